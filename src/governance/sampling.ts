import type { EnvironmentSettings } from '../config/environment-settings.js';
import { InputError } from '../errors.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { keptTablesRefused } from './kept-tables.js';

const SOURCES = new Set(['SEED', 'EXTERNAL']);

/**
 * The project as a sampled environment builds it: every model that reads a SEED or
 * EXTERNAL model reads a sample of it (plan/render-snapshot.ts). The sample enters those
 * models' data hash, and so, through parents, the versions of everything downstream: a
 * sampled environment builds tables of its own and never shares one with an unsampled
 * environment. That is why promotion from an unsampled environment still recomputes
 * nothing, and why a sampled one is never promoted: prod's plan computes the full versions.
 */
export function sampledProject(project: Project, settings: EnvironmentSettings): Project {
  const fraction = settings.policies.sampling;
  if (!fraction) return project;
  const sample = { fraction };
  if (settings.name === 'prod') {
    throw new InputError(`prod cannot be sampled: config key 'environments.${settings.matchedBy}.policies.sampling' applies to it`, {
      code: 'invalid_config',
      hint: 'sample dev environments only (a pattern such as dev_*)',
    });
  }
  const models = new Map<string, Model>();
  for (const [name, model] of project.models) {
    const readsSource = model.parents.some((p) => SOURCES.has(project.models.get(p)?.kind.name ?? ''));
    models.set(name, readsSource ? { ...model, sample } : model);
  }
  return { ...project, models };
}

/** Evidence for an unsampled environment's plan cannot come from a sampled one: its tables are of other versions and other rows. */
export function assertEvidenceComparable(from: EnvironmentSettings, target: EnvironmentSettings): void {
  if (!from.policies.sampling || target.policies.sampling) return;
  throw new InputError(`environment '${from.name}' is sampled (${samplingText(from.policies.sampling)} of each source), so it is no evidence for '${target.name}'`, {
    code: 'sampled_evidence',
    hint: 'build the change in an unsampled environment (staging) and plan with --evidence-from it',
  });
}

/**
 * Tables built from samples never reach an unsampled environment (kept-tables.ts).
 * A kept snapshot is built from samples when it, or any snapshot upstream of it, read one.
 */
export async function assertNoSampledTables(
  settings: EnvironmentSettings,
  kept: readonly Snapshot[],
  load: (ids: string[]) => Promise<Map<string, Snapshot>>,
  from: string | undefined,
): Promise<void> {
  if (settings.policies.sampling || !kept.length) return;
  const known = new Map(kept.map((s) => [s.id, s]));
  const sampled = new Map<string, boolean>();
  // Parents first: load every ancestor once, then decide from the top down.
  let missing = kept.flatMap((s) => Object.values(s.parents)).filter((id) => !known.has(id));
  while (missing.length) {
    const loaded = await load([...new Set(missing)]);
    for (const [id, s] of loaded) known.set(id, s);
    missing = [...loaded.values()].flatMap((s) => Object.values(s.parents)).filter((id) => !known.has(id));
    if (!loaded.size) break;
  }
  const fromSamples = (s: Snapshot): boolean => {
    let hit = sampled.get(s.id);
    if (hit === undefined) {
      hit = Boolean(s.model.sample) || Object.values(s.parents).some((id) => known.has(id) && fromSamples(known.get(id)!));
      sampled.set(s.id, hit);
    }
    return hit;
  };
  const names = kept.filter(fromSamples).map((s) => s.name).sort();
  if (!names.length) return;
  throw keptTablesRefused({ environment: settings.name, is: 'is not sampled', built: 'from samples', rebuilt: 'from the full sources', createFrom: 'an unsampled environment' }, names, from);
}

/** A sampling fraction as people write it: 0.01 -> '1%'. */
export function samplingText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
