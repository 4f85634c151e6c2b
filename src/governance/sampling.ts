import type { EnvironmentSettings } from '../config/environment-settings.js';
import { InputError } from '../errors.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';

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
  const sample = settings.sample;
  if (!sample) return project;
  if (settings.name === 'prod') {
    throw new InputError(`prod cannot be sampled: config key 'environments.${settings.matchedBy}.sample' applies to it`, {
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
  if (!from.sample || target.sample) return;
  throw new InputError(`environment '${from.name}' is sampled (${from.sample.rows} rows per source), so it is no evidence for '${target.name}'`, {
    code: 'sampled_evidence',
    hint: 'build the change in an unsampled environment (staging) and plan with --evidence-from it',
  });
}
