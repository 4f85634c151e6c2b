import { InputError } from '../errors.js';
import type { EnvironmentSettings } from './environment-settings.js';

/**
 * Refuses `action` on a protected environment (prod by default): one clear error,
 * exit 2, nothing changed. Commands that may only touch unprotected environments
 * (`invalidate`) call it before doing anything.
 * @example assertNotProtected(ctx.settings('prod'), 'invalidate') // throws
 */
export function assertNotProtected(settings: EnvironmentSettings, action: string): void {
  if (!settings.protected) return;
  throw new InputError(`environment '${settings.name}' is protected: ${action} is refused`, {
    code: 'protected_environment',
    hint: settings.matchedBy
      ? `set by planner.config.ts: environments['${settings.matchedBy}'].protected`
      : `${settings.name} is protected by default; set environments.${settings.name}.protected to false in planner.config.ts to allow it`,
  });
}
