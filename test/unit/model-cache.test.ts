import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/load-config.js';
import type { PlannerConfig } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import { loadProject } from '../../src/model/load-project.js';
import { ModelCache } from '../../src/model/model-cache.js';
import { builtinMacros } from '../../src/macros/registry.js';
import { POISON, queries, summary } from '../helpers/load-summary.js';
import { projectWriter } from '../helpers/write-project.js';
import { TempProject } from '../helpers/project.js';

const FILES = {
  'models/raw/orders.sql': "MODEL (name raw.orders, kind FULL);\nSELECT 1 AS id, @VAR('region', 'eu') AS region, @amount_col AS amount",
  'models/mart/totals.sql': 'MODEL (name mart.totals, kind VIEW);\nSELECT id, sum(amount) AS amount FROM raw.orders GROUP BY id',
  'models/mart/starred.sql': 'MODEL (name mart.starred, kind VIEW);\nSELECT @STAR(raw.orders) FROM raw.orders',
  'models/mart/coded.sql': 'MODEL (name mart.coded, kind VIEW);\nSELECT @double(id) AS twice FROM raw.orders',
  'macros/double.ts': "export function double(_ev: unknown, x: { sql: string }) { return `${x.sql} * 2`; }\n",
};
const VARS = { region: 'us', amount_col: 10 };

describe('the model cache', () => {
  const projects = projectWriter();
  afterEach(() => projects.cleanup());

  const cacheFile = (dir: string) => join(dir, '.planner/cache/models.cache');
  /** Replaces every cached query with a recognizable fake, to tell a hit from a load. */
  const poison = (dir: string) => {
    const [header, ...lines] = readFileSync(cacheFile(dir), 'utf8').split('\n');
    const poisoned = lines.filter(Boolean).map((line) => {
      const space = line.indexOf(' ');
      const models = JSON.parse(line.slice(space + 1)) as { expansion?: { expanded: { query: string } } }[];
      for (const m of models) if (m.expansion) m.expansion.expanded.query = POISON;
      return `${line.slice(0, space)} ${JSON.stringify(models)}`;
    });
    writeFileSync(cacheFile(dir), [header, ...poisoned, ''].join('\n'));
  };
  const load = (dir: string, config: PlannerConfig = {}, variables: Record<string, unknown> = VARS) => loadProject(resolveConfig(config, dir), variables);

  it('serves unchanged files, and gives the very same models and fingerprints as a load without it', async () => {
    const dir = projects.write(FILES);
    const uncached = await loadProject(resolveConfig({}, dir), VARS, { cache: false });
    const filling = await load(dir);
    const cached = await load(dir);
    expect(JSON.stringify([...cached.models])).toBe(JSON.stringify([...uncached.models]));
    expect(JSON.stringify([...filling.models])).toBe(JSON.stringify([...uncached.models]));
    expect(summary(cached)).toBe(summary(uncached));
    expect(cached.order).toEqual(uncached.order);
    // A query that is the file's own text is stored as its length, not a second (or third) time.
    expect(readFileSync(cacheFile(dir), 'utf8')).not.toContain('sum(amount) AS amount FROM raw.orders');
    // Deleting it changes nothing either.
    rmSync(join(dir, '.planner'), { recursive: true });
    expect(summary(await load(dir))).toBe(summary(uncached));
    // A hit is a hit: the poisoned entries are what a load with the same inputs gets.
    poison(dir);
    expect(queries(await load(dir))['mart.totals']).toBe(POISON);
  });

  it('never uses a stale entry: any input of the key changed loads the file afresh', async () => {
    const dir = projects.write(FILES);
    const fresh = queries(await load(dir));
    const poisoned = () => {
      poison(dir);
      return dir;
    };
    await load(dir);
    // Same inputs: poisoned (the entries are used).
    expect(queries(await load(poisoned()))['raw.orders']).toBe(POISON);
    // The file's bytes.
    writeFileSync(join(dir, 'models/raw/orders.sql'), `${FILES['models/raw/orders.sql']} `);
    expect(queries(await load(poisoned()))['raw.orders']).toBe(fresh['raw.orders']);
    writeFileSync(join(dir, 'models/raw/orders.sql'), FILES['models/raw/orders.sql']);
    await load(dir);
    // A variable, even one the model does not read (@amount_col is a plain variable).
    expect(queries(await load(poisoned(), {}, { ...VARS, amount_col: 11 }))['raw.orders']).toBe("SELECT 1 AS id, @VAR('region', 'eu') AS region, 11 AS amount");
    expect(queries(await load(poisoned(), {}, { ...VARS, unrelated: 1 }))['mart.totals']).toBe(fresh['mart.totals']);
    await load(dir);
    // The config's model defaults.
    expect(queries(await load(poisoned(), { modelDefaults: { owner: 'team' } }))['mart.totals']).toBe(fresh['mart.totals']);
    await load(dir);
    // The default gateway (@gateway).
    const twoGateways = { gateways: { a: { type: 'duckdb' as const }, b: { type: 'duckdb' as const } } };
    await load(dir, { ...twoGateways, defaultGateway: 'a' });
    poison(dir);
    expect(queries(await load(dir, { ...twoGateways, defaultGateway: 'b' }))['mart.totals']).toBe(fresh['mart.totals']);
    await load(dir);
    // The project's macros: a new macro file (a name that could shadow a variable).
    writeFileSync(join(dir, 'macros/triple.ts'), "export function triple(_ev: unknown, x: { sql: string }) { return `${x.sql} * 3`; }\n");
    expect(queries(await load(poisoned()))['mart.totals']).toBe(fresh['mart.totals']);
    rmSync(join(dir, 'macros/triple.ts'));
    await load(dir);
    // A Jinja macro file's bytes.
    writeFileSync(join(dir, 'macros/helpers.sql'), '{% macro unused() %}1{% endmacro %}\n');
    expect(queries(await load(poisoned()))['mart.totals']).toBe(fresh['mart.totals']);
    await load(dir);
    // The file's path.
    mkdirSync(join(dir, 'models/other'));
    renameSync(join(dir, 'models/mart/totals.sql'), join(dir, 'models/other/totals.sql'));
    expect(queries(await load(poisoned()))['mart.totals']).toBe(fresh['mart.totals']);
  });

  it('never caches a model that reads another relation\'s columns or calls a TypeScript macro', async () => {
    const dir = projects.write(FILES);
    const fresh = queries(await load(dir));
    expect(fresh['mart.coded']).toContain('id * 2');
    poison(dir);
    const again = queries(await load(dir));
    expect(again['mart.totals']).toBe(POISON);
    expect(again['mart.starred']).toBe(fresh['mart.starred']);
    expect(again['mart.coded']).toBe(fresh['mart.coded']);
    // The TypeScript macro changes: its callers follow.
    writeFileSync(join(dir, 'macros/double.ts'), "export function double(_ev: unknown, x: { sql: string }) { return `${x.sql} + ${x.sql}`; }\n");
    expect(queries(await load(dir))['mart.coded']).toContain('id + id');
  });

  it('keys on the code that computes entries (the salt), and survives a broken file', () => {
    const dir = projects.write({});
    const inputs = { projectDir: dir, modelDefaults: resolveConfig({}, dir).modelDefaults, variables: {}, defaultGateway: 'local', macros: builtinMacros() };
    const cacheDir = join(dir, '.planner/cache');
    const first = ModelCache.open(cacheDir, inputs, 'code-1');
    const key = first.key('models/a.sql', 'text');
    first.set(key, [{ def: { name: 'a.b', query: 'ext', queryOffset: 1, source: 'text' } as never }]);
    first.save();
    expect(ModelCache.open(cacheDir, inputs, 'code-1').get(key, 'text')?.[0].def).toEqual({ name: 'a.b', query: 'ext', queryOffset: 1, source: 'text' });
    const other = ModelCache.open(cacheDir, inputs, 'code-2');
    expect(other.get(other.key('models/a.sql', 'text'), 'text')).toBeUndefined();
    expect(ModelCache.open(cacheDir, { ...inputs, variables: { at: new Date(0) } }, 'code-1').key('models/a.sql', 'text')).toBeUndefined();
    writeFileSync(join(cacheDir, 'models.cache'), 'not a cache');
    expect(ModelCache.open(cacheDir, inputs, 'code-1').get(key, 'text')).toBeUndefined();
  });

  it('keys on list and object variables exactly: an element, a nested value or a key order (a struct\'s field order) is a new key', () => {
    const dir = projects.write({});
    const inputs = { projectDir: dir, modelDefaults: resolveConfig({}, dir).modelDefaults, defaultGateway: 'local', macros: builtinMacros() };
    const key = (variables: Record<string, unknown>) => ModelCache.open(undefined, { ...inputs, variables }, 'code-1').key('models/a.sql', 'text');
    const keys = [
      key({ values: ['a', 'b'], flags: { on: true, n: 1 } }),
      key({ values: ['a', 'c'], flags: { on: true, n: 1 } }),
      key({ values: ['a', 'b'], flags: { on: true, n: [1] } }),
      key({ values: ['a', 'b'], flags: { n: 1, on: true } }),
      key({ values: ['a,b'], flags: { on: true, n: 1 } }),
    ];
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(key({ values: ['a', 'b'], flags: { on: true, n: 1 } })).toBe(keys[0]);
  });

  it('reports bad input at the file\'s position even when the other models come from the cache', async () => {
    // The query starts further into the file than the header's end: positions need the statement's offset.
    const totals = FILES['models/mart/totals.sql'].replace('\nSELECT', '\n\n  -- totals\n  SELECT');
    const dir = projects.write({ 'models/raw/orders.sql': FILES['models/raw/orders.sql'], 'models/mart/totals.sql': totals });
    await load(dir);
    // mart.totals comes from the cache, but the model it reads is now disabled: its error points into its file.
    writeFileSync(join(dir, 'models/raw/orders.sql'), FILES['models/raw/orders.sql'].replace('kind FULL', 'kind FULL, enabled false'));
    const err = await load(dir).catch((e: unknown) => e);
    const uncached = await loadProject(resolveConfig({}, dir), VARS, { cache: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe((uncached as InputError).message);
    expect((err as InputError).location).toEqual({ file: 'models/mart/totals.sql', line: 4, column: 41 });
    expect((err as InputError).location).toEqual((uncached as InputError).location);
  });

  it('loads the demo project the same from the cache', async () => {
    const p = new TempProject();
    try {
      const config = await loadConfig(p.dir);
      const uncached = await loadProject(config, config.variables, { cache: false });
      await loadProject(config);
      const cached = await loadProject(config);
      expect(JSON.stringify([...cached.models])).toBe(JSON.stringify([...uncached.models]));
      expect(summary(cached)).toBe(summary(uncached));
      expect(readFileSync(p.path('.planner/cache/models.cache'), 'utf8').split('\n').length).toBeGreaterThan(3);
    } finally {
      p.remove();
    }
  });
});
