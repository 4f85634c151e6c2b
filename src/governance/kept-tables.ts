import type { Snapshot } from '../snapshot/snapshot.js';
import { heldMaskedAlike, type Sanitized } from '../plan/masked-build.js';
import { PolicyError } from './policies.js';

/**
 * Tables that only the environment they were built for may hold: built from samples
 * (sampling.ts) or from masked values (plan/masked-build.ts). Their versions are their
 * own, so only a plan that keeps another environment's snapshots (`--select`/`--exclude`
 * with `--create-from`, or an environment whose policy changed since) could carry one
 * elsewhere. Such a plan is refused, like any other policy refusal (exit 1), before
 * anything runs: the user asked to keep those very tables, which cannot be.
 */
export interface KeptTables {
  /** The planned environment. */
  environment: string;
  /** What it is that the tables need: 'is not sampled', 'is not sanitized', 'is masked otherwise'. */
  is: string;
  /** How the tables were built: 'from samples', 'from masked values'. */
  built: string;
  /** How the models would be built for the environment when selected. */
  rebuilt: string;
  /** What to create the environment from instead. */
  createFrom: string;
}

export function keptTablesRefused(what: KeptTables, models: string[], from: string | undefined): PolicyError {
  const one = models.length === 1;
  return new PolicyError(`environment '${what.environment}' ${what.is}, but the plan would keep ${from ? `${from}'s` : 'its'} tables built ${what.built} for ${models.join(', ')}; nothing was planned`, {
    code: 'kept_tables',
    hint: `select ${one ? 'that model' : 'those models'} too so ${one ? 'it is' : 'they are'} built ${what.rebuilt}${from ? `, or create '${what.environment}' from ${what.createFrom}` : ''}`,
  });
}

/**
 * Kept snapshots built from masked values under other masks than the environment's
 * (`sanitized`, undefined when it is not sanitized): refused. Their readers in the kept
 * set are masked builds too (a model reading a masked build is built masked), so they are
 * named with them.
 */
export function assertNoMaskedTables(environment: string, sanitized: Sanitized | undefined, kept: readonly Snapshot[], from: string | undefined): void {
  const models = kept.filter((s) => !heldMaskedAlike(s, sanitized)).map((s) => s.name).sort();
  if (!models.length) return;
  throw keptTablesRefused({
    environment,
    is: sanitized ? 'is masked otherwise' : 'is not sanitized',
    built: 'from masked values',
    rebuilt: sanitized ? 'through its own masks' : 'from the real values',
    createFrom: sanitized ? 'an environment masked alike' : 'an unsanitized environment',
  }, models, from);
}
