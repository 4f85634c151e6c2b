import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectGarbage } from '../../src/lifecycle/janitor-plan.js';
import type { EnvironmentRecord, PhysicalTableRecord, SnapshotRef } from '../../src/state/state-store.js';
import { ROOT } from '../helpers/project.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;

const env = (name: string, snapshots: Record<string, string>): EnvironmentRecord => ({
  name,
  snapshots,
  views: Object.keys(snapshots),
  createdFrom: null,
  planId: `plan_${name}`,
  previousPlanId: null,
  createdAt: 0,
  updatedAt: 0,
  expiresAt: null,
});
const snap = (id: string, version: string, createdAt: number): SnapshotRef => ({ id, name: id.split('#')[0], version, createdAt });
const built = (name: string, version: string, builtAt: number): PhysicalTableRecord => ({
  name,
  version,
  schema: `planner__${name.split('.')[0]}`,
  table: `${name.replace('.', '__')}__${version}`,
  builtAt,
});

describe('selectGarbage', () => {
  const snapshots = [
    snap('s.a#1', 'v1', NOW - 30 * DAY),
    snap('s.a#2', 'v2', NOW - 30 * DAY),
    // Same table as s.a#2 (a metadata change), made recently: keeps v2 waiting.
    snap('s.a#3', 'v2', NOW - DAY),
    snap('s.b#1', 'w1', NOW - 30 * DAY),
    snap('s.b#2', 'w2', NOW - 30 * DAY),
  ];
  const tables = [built('s.a', 'v1', NOW - 30 * DAY), built('s.a', 'v2', NOW - 30 * DAY), built('s.b', 'w1', NOW - 30 * DAY), built('s.b', 'w2', NOW - 30 * DAY)];

  it('keeps what any environment references, drops the rest once its TTL passed, waits for the rest', () => {
    const out = selectGarbage({ environments: [env('prod', { 's.a': 's.a#1', 's.b': 's.b#1' })], snapshots, built: tables, now: NOW, snapshotTtlMs: 7 * DAY });
    expect(out.drop.map((t) => `${t.name}@${t.version}`)).toEqual(['s.b@w2']);
    expect(out.waiting.map((t) => [`${t.name}@${t.version}`, t.expiresAt])).toEqual([['s.a@v2', NOW + 6 * DAY]]);
    expect(out.snapshots.map((s) => s.id).sort()).toEqual(['s.a#2', 's.b#2']);
  });

  it('with the TTL ignored, drops every unreferenced table and forgets every unreferenced snapshot', () => {
    const out = selectGarbage({ environments: [env('prod', { 's.a': 's.a#1', 's.b': 's.b#1' })], snapshots, built: tables, now: NOW, snapshotTtlMs: null });
    expect(out.drop.map((t) => `${t.name}@${t.version}`).sort()).toEqual(['s.a@v2', 's.b@w2']);
    expect(out.waiting).toEqual([]);
    expect(out.snapshots.map((s) => s.id).sort()).toEqual(['s.a#2', 's.a#3', 's.b#2']);
  });

  it('a snapshot shared by two environments stays while either references it', () => {
    const envs = [env('prod', { 's.a': 's.a#1', 's.b': 's.b#1' }), env('staging', { 's.a': 's.a#3', 's.b': 's.b#2' })];
    const out = selectGarbage({ environments: envs, snapshots, built: tables, now: NOW, snapshotTtlMs: null });
    expect(out.drop).toEqual([]);
    // s.a#2 names a table in use (through s.a#3): its row may go, the table stays.
    expect(out.snapshots).toEqual([{ id: 's.a#2', key: 's.a@v2' }]);
  });

  it('keeps every table of a model whose referenced snapshot state has lost', () => {
    const out = selectGarbage({ environments: [env('prod', { 's.a': 's.a#gone', 's.b': 's.b#1' })], snapshots, built: tables, now: NOW, snapshotTtlMs: null });
    expect(out.drop.map((t) => `${t.name}@${t.version}`)).toEqual(['s.b@w2']);
  });

  it('finds the leftover table of a snapshot that was never recorded as built', () => {
    const out = selectGarbage({
      environments: [env('prod', { 's.a': 's.a#1' })],
      snapshots: [snap('s.a#1', 'v1', 0), snap('s.a#9', 'v9', 0)],
      built: [built('s.a', 'v1', 0)],
      now: NOW,
      snapshotTtlMs: DAY,
    });
    expect(out.drop).toEqual([{ name: 's.a', version: 'v9', table: { schema: 'planner__s', table: 's__a__v9' }, recorded: false, expiresAt: DAY }]);
  });
});

describe('the janitor and the engines', () => {
  it('never write CASCADE', () => {
    const dirs = ['src/lifecycle', 'src/engine/duckdb', 'src/engine/postgres'];
    for (const dir of dirs) {
      for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
        const code = readFileSync(join(ROOT, dir, file), 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
        expect(code, `${dir}/${file}`).not.toMatch(/\bcascade\b/i);
      }
    }
  });
});
