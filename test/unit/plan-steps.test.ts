import { describe, expect, it } from 'vitest';
import type { Model, ModelKind, QueryShape } from '../../src/model/model.js';
import { applyForwardOnly, categorize, chooseVersion, isPreviewed, listedCategory, planViews, type Categorized, type ModelState } from '../../src/plan/plan-steps.js';
import { asPreview } from '../../src/plan/preview.js';
import { makeSnapshot, versionOf } from '../../src/snapshot/make-snapshot.js';
import type { Fingerprint, Snapshot } from '../../src/snapshot/snapshot.js';

const shape = (...cols: string[]): QueryShape => ({
  astHash: cols.join(), bodyHash: 'body', projections: cols.map((hash) => ({ hash, aggregate: false })), distinct: false, grouped: false, columns: cols,
});

function model(name: string, opts: { kind?: ModelKind; parents?: string[]; shape?: QueryShape; forwardOnly?: boolean } = {}): Model {
  const [schema, table] = name.split('.');
  return {
    name, schema, table, file: `models/${table}.sql`, kind: opts.kind ?? { name: 'FULL' }, dialect: 'duckdb', cron: '@daily', grain: [], tags: [], audits: [],
    forwardOnly: opts.forwardOnly ?? false, enabled: true, query: 'SELECT 1', queryOffset: 0, source: `-- ${name}`, parents: opts.parents ?? [], externals: [], references: [],
    macros: [], shape: opts.shape ?? shape('a'), variables: {},
  };
}

const fp = (ownData: string, metadata = 'm', data = ownData): Fingerprint => ({ data: `${data}`.padEnd(16, '0'), ownData, metadata });
const snap = (m: Model, f: Fingerprint, version: string): Snapshot => makeSnapshot(m, f, version, {}, undefined, 0);

const orders = model('s.orders', { shape: shape('a') });
const prevOrders = snap(orders, fp('1'), 'v1');
const state = (over: Partial<ModelState>): ModelState => ({ model: orders, fingerprint: fp('2'), prev: prevOrders, parentEffects: [], kept: false, ...over });

describe('plan steps', () => {
  it('categorize: added, a direct change by its own edit and its parents, an indirect change', () => {
    expect(categorize(state({ prev: undefined }))).toEqual({ change: 'added', effect: { category: 'breaking', causes: ['s.orders'] }, causes: [] });
    const widened = model('s.orders', { shape: shape('a', 'b') });
    expect(categorize(state({ model: widened }))).toMatchObject({ change: 'direct', direct: 'non-breaking', category: 'non-breaking', effect: { causes: ['s.orders'] } });
    // An added column under a breaking parent is breaking for the children.
    const underBreaking = categorize(state({ model: widened, parentEffects: [{ category: 'breaking', causes: ['s.raw'] }] }));
    expect(underBreaking).toMatchObject({ direct: 'non-breaking', category: 'breaking', effect: { causes: ['s.orders', 's.raw'] } });
    // Owner changed only: metadata, nothing for the children.
    expect(categorize(state({ fingerprint: fp('1', 'm2') }))).toEqual({ change: 'direct', direct: 'metadata', category: 'metadata', effect: undefined, causes: [] });
    expect(categorize(state({ fingerprint: fp('1', 'm', 'x'), parentEffects: [{ category: 'non-breaking', causes: ['s.raw'] }] }))).toEqual({
      change: 'indirect', category: 'non-breaking', effect: { category: 'non-breaking', causes: ['s.raw'] }, causes: ['s.raw'],
    });
    // --select-model left it out: its own edit is not taken.
    expect(categorize(state({ kept: true, parentEffects: [{ category: 'breaking', causes: ['s.raw'] }] })).change).toBe('indirect');
  });

  it('chooseVersion: keeps the table when it stays valid, a view follows its parents', () => {
    const indirect: Categorized = { change: 'indirect', category: 'non-breaking', causes: ['s.raw'] };
    expect(chooseVersion(state({}), indirect)).toBe('v1');
    const view = model('s.orders', { kind: { name: 'VIEW' } });
    expect(chooseVersion(state({ model: view, fingerprint: fp('2') }), indirect)).toBe(versionOf(fp('2')));
    expect(chooseVersion(state({}), { change: 'direct', direct: 'breaking', category: 'breaking', causes: [] })).not.toBe('v1');
    expect(chooseVersion(state({}), { change: 'direct', direct: 'metadata', category: 'metadata', causes: [] })).toBe('v1');
  });

  it('applyForwardOnly: keeps table and version when asked and the kind allows, and returns a new value', () => {
    const breaking: Categorized = { change: 'direct', direct: 'breaking', category: 'breaking', effect: { category: 'breaking', causes: ['s.orders'] }, causes: [] };
    const frozen = Object.freeze({ ...breaking });
    const out = applyForwardOnly(state({}), frozen, 'v2', true);
    expect(out).toEqual({ categorized: { ...breaking, category: 'forward-only', effect: { category: 'forward-only', causes: ['s.orders'] } }, version: 'v1' });
    expect(listedCategory(out.categorized)).toBe('forward-only');
    expect(applyForwardOnly(state({}), breaking, 'v2', false)).toEqual({ categorized: breaking, version: 'v2' });
    const view = model('s.orders', { kind: { name: 'VIEW' } });
    expect(applyForwardOnly(state({ model: view }), breaking, 'v2', true).version).toBe('v2');
    // A forward-only parent makes a non-breaking child forward-only too.
    const indirect: Categorized = { change: 'indirect', category: 'non-breaking', effect: { category: 'non-breaking', causes: ['s.raw'] }, causes: ['s.raw'] };
    expect(applyForwardOnly(state({ parentEffects: [{ category: 'forward-only', causes: ['s.raw'] }] }), indirect, 'v1', false).categorized.category).toBe('forward-only');
  });

  it('isPreviewed: never in prod; forward-only, reading a preview, or a kept preview version elsewhere', () => {
    const fo: Categorized = { change: 'direct', direct: 'breaking', category: 'forward-only', causes: [] };
    const plain: Categorized = { change: 'direct', direct: 'breaking', category: 'breaking', causes: [] };
    expect(isPreviewed('prod', state({}), fo, 'v1', true)).toBe(false);
    expect(isPreviewed('dev', state({}), fo, 'v1', false)).toBe(true);
    expect(isPreviewed('dev', state({}), plain, 'v2', true)).toBe(true);
    expect(isPreviewed('dev', state({}), plain, 'v2', false)).toBe(false);
    const preview = asPreview(prevOrders);
    expect(isPreviewed('dev', state({ prev: preview }), plain, preview.version, false)).toBe(true);
  });

  it('planViews: every model with an object in prod; only what differs from prod elsewhere; repoints changed versions', () => {
    const ext = model('s.ext', { kind: { name: 'EXTERNAL' } });
    const items = model('s.items');
    const a = snap(orders, fp('1'), 'v1');
    const b = snap(items, fp('3'), 'v3');
    const e = snap(ext, fp('4'), 'v4');
    const project = { models: new Map([[orders.name, orders], [items.name, items], [ext.name, ext]]), order: ['s.ext', 's.items', 's.orders'] };
    const target = { 's.orders': a.id, 's.items': b.id, 's.ext': e.id };
    const snapshots = { [a.id]: a, [b.id]: b, [e.id]: e };
    const prodRecord = { name: 'prod', snapshots: { 's.orders': a.id, 's.items': 'old' }, views: ['s.orders', 's.items', 's.gone'] } as never;
    const base = { project, known: new Map<string, Snapshot>(), prod: prodRecord, includeUnmodified: false, layout: 'schema-suffix' as const };
    expect(planViews({ ...base, environment: 'prod', current: prodRecord }, target, snapshots)).toEqual({ views: ['s.items', 's.orders'], upsert: ['s.items'], drop: ['s.gone'] });
    // An expired record's views may be half dropped: all are recreated.
    expect(planViews({ ...base, environment: 'prod', replaces: prodRecord }, target, snapshots).upsert).toEqual(['s.items', 's.orders']);
    expect(planViews({ ...base, environment: 'dev' }, target, snapshots)).toEqual({ views: ['s.items'], upsert: ['s.items'], drop: [] });
    // A layout change moves every view of an environment: all are created anew, all old ones dropped.
    const dev = { name: 'dev', snapshots: target, views: ['s.items', 's.orders'], layout: 'schema-suffix' } as never;
    expect(planViews({ ...base, includeUnmodified: true, layout: 'environment-schema', environment: 'dev', current: dev }, target, snapshots)).toEqual({
      views: ['s.items', 's.orders'],
      upsert: ['s.items', 's.orders'],
      drop: ['s.items', 's.orders'],
      previousLayout: 'schema-suffix',
    });
  });
});
