import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { ModelKind } from '../../src/model/model.js';
import { snapshotBackfill, withBackfill, type BackfillInput } from '../../src/plan/backfill-planner.js';
import type { Plan } from '../../src/plan/plan.js';
import { asPreview } from '../../src/plan/preview.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { builtKey } from '../../src/state/state-store.js';

const d = (day: number) => Date.UTC(2024, 0, day);
const NOW = Date.UTC(2024, 0, 15, 10);

function snap(name: string, kind: ModelKind, opts: { version?: string; parents?: string[]; start?: string } = {}): Snapshot {
  const [schema, table] = name.split('.');
  const version = opts.version ?? `${table}v1`;
  return {
    id: `${name}#${version}`,
    name,
    version,
    fingerprint: { data: `${version}data`.padEnd(16, '0'), ownData: 'o', metadata: 'm' },
    physical: { schema: `planner__${schema}`, table: `${schema}__${table}__${version}` },
    parents: Object.fromEntries((opts.parents ?? []).map((p) => [p, `${p}#x`])),
    model: {
      name, schema, table, file: `models/${table}.sql`, kind, dialect: 'duckdb', cron: '@daily', start: opts.start ?? '2024-01-01',
      grain: [], tags: [], audits: [], forwardOnly: false, query: 'SELECT 1', source: `MODEL (name ${name}, cron '@daily')`,
      references: [], macros: [], shape: null, variables: {},
    },
    createdAt: 0,
  };
}

const events = snap('a.events', { name: 'INCREMENTAL_BY_TIME_RANGE', timeColumn: 'd', batchSize: 5 });
const totals = snap('a.totals', { name: 'FULL' }, { parents: ['a.events'] });
const view = snap('a.report', { name: 'VIEW' }, { parents: ['a.totals'] });

function plan(environment: string, snapshots: Snapshot[]): Plan {
  return {
    id: 'p', environment, base: null, expectedPlanId: null, isNewEnvironment: true, createdAt: NOW,
    layout: 'schema-suffix', added: [], removed: [], directlyModified: [], indirectlyModified: [], diffs: [],
    target: Object.fromEntries(snapshots.map((s) => [s.name, s.id])),
    views: [], snapshots: Object.fromEntries(snapshots.map((s) => [s.id, s])), newSnapshotIds: [], builds: [],
    viewChanges: { upsert: [], drop: [] }, backfill: {}, migrations: [], allowDestructive: false,
  };
}

const input = (over: Partial<BackfillInput> = {}): BackfillInput => ({
  order: ['a.events', 'a.totals', 'a.report'],
  built: new Set(),
  intervals: new Map(),
  held: new Set(),
  heldElsewhere: new Map(),
  now: NOW,
  ...over,
});
const spans = (p: Plan, s: Snapshot) => p.backfill[s.id]?.batches.map((b) => [b.start, b.end]);

describe('what a plan computes', () => {
  it('backfills new versions in batches; a FULL model in one batch from its start; a view is only built', () => {
    const p = withBackfill(plan('prod', [events, totals, view]), input());
    expect(p.builds).toEqual([events.id, totals.id, view.id]);
    expect(spans(p, events)).toEqual([[d(1), d(6)], [d(6), d(11)], [d(11), d(15)]]);
    expect(p.backfill[totals.id].batches).toEqual([{ start: d(1), end: d(15), intervals: [{ start: d(1), end: d(15) }] }]);
    expect(p.backfill[view.id]).toBeUndefined();
  });

  it('leaves held versions to planner run, and builds nothing when everything is computed', () => {
    const built = new Set([events, totals, view].map((s) => builtKey(s.name, s.version)));
    const held = new Set([events.id, totals.id, view.id]);
    expect(withBackfill(plan('prod', [events, totals, view]), input({ built, held })).builds).toEqual([]);
    const complete = new Map([events, totals].map((s) => [builtKey(s.name, s.version), [{ start: d(1), end: d(15) }]]));
    expect(withBackfill(plan('prod', [events, totals, view]), input({ built, intervals: complete })).builds).toEqual([]);
  });

  it('outside prod: never computes prod versions, limits new ones to the range, and previews only the latest day', () => {
    const heldElsewhere = new Map([[`a.events@${events.version}`, [{ environment: 'prod', snapshotId: events.id, protected: true }]]]);
    const built = new Set([builtKey(events.name, events.version)]);
    const p = withBackfill(plan('dev', [events, totals]), input({ heldElsewhere, built, range: { start: d(10), end: d(12) } }));
    expect(p.builds).toEqual([totals.id]);
    expect(p.backfill[totals.id].batches[0].intervals).toEqual([{ start: d(10), end: d(12) }]);
    const preview = asPreview(events);
    const q = withBackfill(plan('dev', [preview]), input({ heldElsewhere }));
    expect(spans(q, preview)).toEqual([[d(14), d(15)]]);
  });

  it('refuses --start/--end in prod without a restatement', () => {
    expect(() => withBackfill(plan('prod', [events]), input({ range: { start: d(3) } }))).toThrow(InputError);
  });

  it('restates a model and its downstream interval models in place, and nothing else', () => {
    const built = new Set([events, totals, view].map((s) => builtKey(s.name, s.version)));
    const held = new Set([events.id, totals.id, view.id]);
    const intervals = new Map([events, totals].map((s) => [builtKey(s.name, s.version), [{ start: d(1), end: d(15) }]]));
    const p = withBackfill(plan('prod', [events, totals, view]), input({ built, held, intervals, restate: { models: ['a.events'], start: d(3), end: d(6) } }));
    expect(p.builds).toEqual([events.id, totals.id]);
    expect(p.backfill[events.id]).toEqual({ restate: [{ start: d(3), end: d(6) }], batches: [{ start: d(3), end: d(6), intervals: [{ start: d(3), end: d(6) }] }] });
    expect(p.backfill[totals.id].restate).toEqual([{ start: d(3), end: d(6) }]);
    expect(() => withBackfill(plan('prod', [events]), input({ restate: { models: ['a.nope'] } }))).toThrow(/no model 'a.nope'/);
    expect(() => withBackfill(plan('prod', [view]), input({ restate: { models: ['a.report'] } }))).toThrow(/VIEW model/);
    const heldElsewhere = new Map([[`a.events@${events.version}`, [{ environment: 'prod', snapshotId: events.id, protected: true }]]]);
    expect(() => withBackfill(plan('dev', [events]), input({ heldElsewhere, restate: { models: ['a.events'] } }))).toThrow(/reads a table that prod also uses/);
  });

  it('recomputes lookback intervals on each run', () => {
    const late = snap('a.late', { name: 'INCREMENTAL_BY_TIME_RANGE', timeColumn: 'd', lookback: 2 });
    const work = snapshotBackfill(late, { now: Date.UTC(2024, 0, 16, 1), known: [{ start: d(1), end: d(15) }], onlyAfterKnown: true });
    expect(work.batches.map((b) => [b.start, b.end])).toEqual([[d(13), d(16)]]);
  });
});

describe('a dev plan with --start/--end', () => {
  it('also fills the range for the versions the environment already holds, never prod ones', () => {
    const built = new Set([events, totals].map((s) => builtKey(s.name, s.version)));
    const held = new Set([events.id, totals.id]);
    const intervals = new Map([events, totals].map((s) => [builtKey(s.name, s.version), [{ start: d(10), end: d(13) }]]));
    const p = withBackfill(plan('dev', [events, totals]), input({ built, held, intervals, range: { start: d(5), end: d(15) } }));
    expect(spans(p, events)).toEqual([[d(5), d(10)], [d(13), d(15)]]);
    const heldElsewhere = new Map([[`a.events@${events.version}`, [{ environment: 'prod', snapshotId: events.id, protected: true }]]]);
    const q = withBackfill(plan('dev', [events, totals]), input({ built, held, intervals, heldElsewhere, range: { start: d(5), end: d(15) } }));
    expect(q.builds).toEqual([totals.id]);
    expect(withBackfill(plan('dev', [events, totals]), input({ built, held, intervals })).builds).toEqual([]);
  });
});
