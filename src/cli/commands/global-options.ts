import type { SecretRegistry } from '../../util/secrets.js';

/** Options every command takes. */
export interface GlobalOptions {
  project: string;
  gateway?: string;
  json?: boolean;
  verbose?: boolean;
  /** Filled by `main`, not a flag: the run's secrets, masked in everything it prints. */
  secrets?: SecretRegistry;
}
