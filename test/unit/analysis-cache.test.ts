import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { AnalysisCache } from '../../src/model/analysis-cache.js';
import { loadProject } from '../../src/model/load-project.js';
import { TempProject } from '../helpers/project.js';

const Q = 'SELECT o.id, sum(o.amount) AS amount FROM raw.orders AS o GROUP BY o.id';

describe('the query analysis cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'planner-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = () => join(dir, 'query-analyses.json');
  /** Replaces every cached analysis with a recognizable fake, to tell a hit from a parse. */
  const poison = () => {
    const saved = JSON.parse(readFileSync(file(), 'utf8'));
    for (const k of Object.keys(saved.entries)) saved.entries[k] = { ok: true, references: [{ schema: 'fake', table: 'fake', alias: '', start: 0, end: 0 }], shape: saved.entries[k].shape };
    writeFileSync(file(), JSON.stringify(saved));
  };
  const tables = (a: Awaited<ReturnType<AnalysisCache['analyze']>>[number]) => (a.ok ? a.references.map((r) => `${r.schema}.${r.table}`) : a.message);

  it('serves an unchanged query from the file, and never an entry whose text, dialect or code differ', async () => {
    const first = AnalysisCache.open(dir, 'salt-1');
    const [fresh] = await first.analyze(['duckdb'], [Q]);
    expect(tables(fresh)).toEqual(['raw.orders']);
    first.save();
    poison();

    // Same text, dialect and code: a hit (the poisoned value proves no parse happened).
    expect(tables((await AnalysisCache.open(dir, 'salt-1').analyze(['duckdb'], [Q]))[0])).toEqual(['fake.fake']);
    // Any input of the key changed: parsed again, never the stale entry.
    expect(tables((await AnalysisCache.open(dir, 'salt-1').analyze(['duckdb'], [`${Q} `]))[0])).toEqual(['raw.orders']);
    expect(tables((await AnalysisCache.open(dir, 'salt-1').analyze(['postgres'], [Q]))[0])).toEqual(['raw.orders']);
    const newCode = AnalysisCache.open(dir, 'salt-2');
    expect(tables((await newCode.analyze(['duckdb'], [Q]))[0])).toEqual(['raw.orders']);
    newCode.save();
    // The file now holds only what the new code computed.
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8')).entries)).toHaveLength(1);
    expect(JSON.parse(readFileSync(file(), 'utf8')).salt).toBe('salt-2');
  });

  it('keeps only the entries of the last load, never caches a failed parse, and survives a deleted or broken file', async () => {
    const cache = AnalysisCache.open(dir, 's');
    const [ok, bad] = await cache.analyze(['duckdb', 'duckdb'], [Q, 'SELECT FROM WHERE']);
    expect(ok.ok).toBe(true);
    expect(bad.ok).toBe(false);
    cache.save();
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8')).entries)).toHaveLength(1);
    writeFileSync(file(), '{ not json');
    expect(tables((await AnalysisCache.open(dir, 's').analyze(['duckdb'], [Q]))[0])).toEqual(['raw.orders']);
    rmSync(file());
    expect(tables((await AnalysisCache.open(dir, 's').analyze(['duckdb'], [Q]))[0])).toEqual(['raw.orders']);
  });

  it('gives a project the very same models with and without the cache', async () => {
    const p = new TempProject();
    try {
      const config = await loadConfig(p.dir);
      const uncached = await loadProject(config, config.variables, { cache: false });
      const filling = await loadProject(config);
      const cached = await loadProject(config);
      expect(readFileSync(p.path('.planner/cache/query-analyses.json'), 'utf8').length).toBeGreaterThan(100);
      expect(filling.models).toEqual(uncached.models);
      expect(cached.models).toEqual(uncached.models);
      expect(cached.order).toEqual(uncached.order);
    } finally {
      p.remove();
    }
  });
});
