import type { KindName, ModelKind } from '../model/model.js';
import { embeddedKind } from './embedded.js';
import { externalKind } from './external.js';
import { fullKind } from './full.js';
import { incrementalByPartitionKind } from './incremental-by-partition.js';
import { incrementalByTimeRangeKind } from './incremental-by-time-range.js';
import { incrementalByUniqueKeyKind } from './incremental-by-unique-key.js';
import { incrementalUnmanagedKind } from './incremental-unmanaged.js';
import { scdType2ByColumnKind } from './scd-type-2-by-column.js';
import { scdType2ByTimeKind } from './scd-type-2-by-time.js';
import type { KindRegistry, KindStrategy } from './kind-strategy.js';
import { seedKind } from './seed.js';
import { viewKind } from './view.js';

/**
 * Every model kind the planner knows, by name. Adding a kind: its strategy file, its row
 * here, its variant in `ModelKind` (model/model.ts).
 */
const KINDS: KindRegistry = {
  FULL: fullKind,
  VIEW: viewKind,
  EMBEDDED: embeddedKind,
  EXTERNAL: externalKind,
  SEED: seedKind,
  INCREMENTAL_BY_TIME_RANGE: incrementalByTimeRangeKind,
  INCREMENTAL_BY_UNIQUE_KEY: incrementalByUniqueKeyKind,
  INCREMENTAL_BY_PARTITION: incrementalByPartitionKind,
  SCD_TYPE_2_BY_TIME: scdType2ByTimeKind,
  SCD_TYPE_2_BY_COLUMN: scdType2ByColumnKind,
  INCREMENTAL_UNMANAGED: incrementalUnmanagedKind,
};

/** SQLMesh's other names for kinds. */
const ALIASES: Record<string, KindName> = { SCD_TYPE_2: 'SCD_TYPE_2_BY_TIME' };

/**
 * The strategy of a model's kind.
 * @example kindStrategy(model.kind).physical // 'table' | 'view' | null
 */
export function kindStrategy<K extends ModelKind>(kind: K | K['name']): KindStrategy<K> {
  const name = typeof kind === 'string' ? kind : kind.name;
  return KINDS[name] as unknown as KindStrategy<K>;
}

/** The strategy for a kind name as written in a header (any case), or undefined when unknown. */
export function kindNamed(name: string): KindStrategy | undefined {
  const key = ALIASES[name.toUpperCase()] ?? name.toUpperCase();
  return Object.hasOwn(KINDS, key) ? (KINDS[key as KindName] as unknown as KindStrategy) : undefined;
}

/** The known kind names, in registry order (for messages). */
export function kindNames(): KindName[] {
  return Object.keys(KINDS) as KindName[];
}

/** Whether a kind's versions track computed intervals (built per interval, or rebuilt when one is due). */
export function tracksIntervals(kind: ModelKind): boolean {
  return kindStrategy(kind).intervals !== null;
}

/** The kinds whose intervals `--restate-model` recomputes, for messages. */
export function restatableKinds(): KindName[] {
  return kindNames().filter((n) => kindStrategy(n).intervals?.restatable);
}
