import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { hashOf } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import type { PlanEvidence } from '../governance/evidence.js';
import type { Plan } from './plan.js';

const FORMAT = 'planner-plan';
/**
 * 2: the file keeps the options it was planned with, so `apply` re-derives the plan.
 * 3: it also names its author and carries the evidence a reviewer approves it on; both are
 * in the checksum, which is the hash an approval is bound to. Version 2 files still read.
 */
const VERSION = 3;
const READABLE = [2, 3];

/** The options a plan was made with, as a file keeps them (times as epoch ms). */
export interface SavedPlanOptions {
  createFrom?: string;
  includeUnmodified?: boolean;
  forwardOnly?: boolean;
  allowDestructive?: boolean;
  selectModels?: string[];
  excludeModels?: string[];
  restateModels?: string[];
  start?: number | string;
  end?: number | string;
}

/**
 * A plan saved for review (`planner plan ENV --out FILE`) and applied later
 * (`planner apply FILE`). The file is a promise, not a script: `apply` plans again from
 * the current project and state with the same options, refuses when that plan differs
 * from the saved one (`planDifferences`), and runs only what it derived itself. The
 * checksum catches accidental edits; the re-derivation is what makes a forged file harmless.
 */
export interface SavedPlan {
  format: typeof FORMAT;
  version: number;
  gateway: string;
  savedAt: string;
  checksum: string;
  /** Who saved it (`--author`, PLANNER_USER, else the OS user); absent in version 2 files. */
  author?: string;
  options: SavedPlanOptions;
  /** What a reviewer approves it on: its changes, validation metrics and data diffs. */
  evidence?: PlanEvidence;
  plan: Plan;
}

/** A saved plan as read back: what apply re-derives, and what approval binds to. */
export interface ReadPlan {
  plan: Plan;
  gateway: string;
  options: SavedPlanOptions;
  /** The file's hash: an approval is of exactly this content. */
  checksum: string;
  author: string | null;
  evidence: PlanEvidence | null;
}

/** The file's text for `plan`, computed against `gateway` with `options`. */
export function savedPlanText(plan: Plan, gateway: string, savedAt: Date, options: SavedPlanOptions = {}, review: { author?: string; evidence?: PlanEvidence } = {}): string {
  // Through JSON once, so the checksum is of exactly what a reader will parse back.
  const canonical = JSON.parse(JSON.stringify(plan)) as Plan;
  const opts = JSON.parse(JSON.stringify(options)) as SavedPlanOptions;
  const extra = JSON.parse(JSON.stringify(review)) as Pick<SavedPlan, 'author' | 'evidence'>;
  const checksum = checksumOf(VERSION, gateway, canonical, opts, extra);
  const saved: SavedPlan = { format: FORMAT, version: VERSION, gateway, savedAt: savedAt.toISOString(), checksum, author: extra.author, options: opts, evidence: extra.evidence, plan: canonical };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

/** Reads a saved plan; a file that is not one, or whose content no longer matches its checksum, is bad input. */
export function readSavedPlan(file: string): ReadPlan {
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
  if (!READABLE.includes(saved.version as number)) {
    throw new InputError(`saved plan format version ${saved.version} is not supported (this planner reads version ${VERSION})`, {
      location: { file },
      code: 'invalid_plan_file',
      hint: 'plan again with `planner plan ENV --out FILE`',
    });
  }
  const options = saved.options ?? {};
  const extra = { author: saved.author, evidence: saved.evidence };
  if (saved.checksum !== checksumOf(saved.version as number, saved.gateway, saved.plan, options, extra)) {
    throw new InputError('plan file was altered after it was saved: its checksum does not match; nothing was done', {
      location: { file },
      code: 'altered_plan',
      hint: 'plan again with `planner plan ENV --out FILE`',
    });
  }
  return { plan: saved.plan, gateway: saved.gateway, options, checksum: saved.checksum, author: saved.author ?? null, evidence: saved.evidence ?? null };
}

function checksumOf(version: number, gateway: string, plan: Plan, options: SavedPlanOptions, extra: Pick<SavedPlan, 'author' | 'evidence'>): string {
  const parts = [FORMAT, String(version), gateway, stableStringify(options), stableStringify(plan)];
  if (version >= 3) parts.push(stableStringify({ author: extra.author ?? null, evidence: extra.evidence ?? null }));
  return `sha256:${hashOf(...parts)}`;
}

/**
 * How a plan derived now differs from a saved one, in what it promises: the environment it
 * replaces, the snapshot of every model (its fingerprint, version, definition and
 * category), what is built, and which views change. Empty when they agree. Intervals are
 * not compared: they follow the clock, and the derived plan computes what is due now. The
 * derived builds and new snapshots may be fewer than the file's (a rerun after a crash),
 * never others.
 */
export function planDifferences(saved: Plan, derived: Plan): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);
  const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();
  if (saved.environment !== derived.environment) out.push(`environment ${saved.environment} vs ${derived.environment}`);
  const names = [...new Set([...Object.keys(saved.target ?? {}), ...Object.keys(derived.target ?? {})])].sort();
  for (const name of names) {
    const [a, b] = [saved.target?.[name], derived.target?.[name]];
    if (a !== b) {
      out.push(`model ${name}: snapshot ${a ?? '(none)'} in the file, ${b ?? '(none)'} now`);
      continue;
    }
    if (!same(withoutTime(saved.snapshots?.[a]), withoutTime(derived.snapshots[b]))) out.push(`model ${name}: the file's snapshot ${a} is not the one the project gives`);
  }
  const categories = (p: Plan) => [...(p.directlyModified ?? []), ...(p.indirectlyModified ?? [])].map((c) => `${c.name}:${c.category}`).sort();
  if (!same(categories(saved), categories(derived))) out.push('change categories differ');
  // A killed run of this very plan (or another environment's apply) may have built tables and
  // stored snapshots since: what is left to do may shrink, but never holds anything new.
  const beyond = (derivedIds: readonly string[], savedIds: readonly string[] | undefined) => derivedIds.some((id) => !(savedIds ?? []).includes(id));
  if (beyond(derived.builds, saved.builds)) out.push('the tables to build differ');
  if (beyond(derived.newSnapshotIds, saved.newSnapshotIds)) out.push('the new snapshots differ');
  if (!same(sorted(saved.views), sorted(derived.views))) out.push('the views differ');
  if (!same(sorted(saved.viewChanges?.upsert), sorted(derived.viewChanges.upsert)) || !same(sorted(saved.viewChanges?.drop), sorted(derived.viewChanges.drop))) out.push('the view changes differ');
  if (!same(saved.masks ?? {}, derived.masks ?? {})) out.push('the column masks differ');
  if (!same(sorted(saved.migrations), sorted(derived.migrations)) || Boolean(saved.allowDestructive) !== derived.allowDestructive) out.push('the column migrations differ');
  return out;
}

/** A snapshot without its creation time, which differs between two plannings of the same change. */
function withoutTime(s: unknown): unknown {
  if (typeof s !== 'object' || s === null) return s;
  const { createdAt: _createdAt, ...rest } = s as Record<string, unknown>;
  return rest;
}
