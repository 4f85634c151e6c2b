import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { hashOf } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import type { Plan } from './plan.js';

const FORMAT = 'planner-plan';
const VERSION = 1;

/**
 * A plan saved for review (`planner plan ENV --out FILE`) and applied later
 * (`planner apply FILE`). The checksum covers the gateway and the whole plan, so an
 * edited file is refused; the plan keeps the environment's plan id it was made against,
 * so applying it after the environment moved is refused as stale.
 */
export interface SavedPlan {
  format: typeof FORMAT;
  version: typeof VERSION;
  gateway: string;
  savedAt: string;
  checksum: string;
  plan: Plan;
}

/** The file's text for `plan`, computed against `gateway`. */
export function savedPlanText(plan: Plan, gateway: string, savedAt: Date): string {
  // Through JSON once, so the checksum is of exactly what a reader will parse back.
  const canonical = JSON.parse(JSON.stringify(plan)) as Plan;
  const saved: SavedPlan = { format: FORMAT, version: VERSION, gateway, savedAt: savedAt.toISOString(), checksum: checksumOf(gateway, canonical), plan: canonical };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

/** Reads a saved plan; a file that is not one, or whose content no longer matches its checksum, is bad input. */
export function readSavedPlan(file: string): { plan: Plan; gateway: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read plan file: ${(err as Error).message}`, { location: { file }, code: 'invalid_plan_file' });
  }
  let saved: Partial<SavedPlan>;
  try {
    saved = JSON.parse(text) as Partial<SavedPlan>;
  } catch (err) {
    throw new InputError(`plan file is not valid JSON: ${(err as Error).message}`, { location: { file }, code: 'invalid_plan_file' });
  }
  if (saved?.format !== FORMAT || typeof saved.plan !== 'object' || saved.plan === null || typeof saved.gateway !== 'string') {
    throw new InputError('not a saved plan: expected a file written by `planner plan ENV --out FILE`', { location: { file }, code: 'invalid_plan_file' });
  }
  if (saved.version !== VERSION) {
    throw new InputError(`saved plan format version ${saved.version} is not supported (this planner reads version ${VERSION})`, { location: { file }, code: 'invalid_plan_file' });
  }
  if (saved.checksum !== checksumOf(saved.gateway, saved.plan)) {
    throw new InputError('plan file was altered after it was saved: its checksum does not match; nothing was done', {
      location: { file },
      code: 'altered_plan',
      hint: 'plan again with `planner plan ENV --out FILE`',
    });
  }
  return { plan: saved.plan, gateway: saved.gateway };
}

function checksumOf(gateway: string, plan: Plan): string {
  return `sha256:${hashOf(FORMAT, String(VERSION), gateway, stableStringify(plan))}`;
}
