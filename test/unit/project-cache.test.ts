import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import type { PlannerConfig } from '../../src/config/types.js';
import { loadProject, type Project } from '../../src/model/load-project.js';
import { projectKey } from '../../src/model/project-cache.js';
import { fingerprintModel } from '../../src/snapshot/fingerprint.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { POISON, queries, summary } from '../helpers/load-summary.js';
import { projectWriter } from '../helpers/write-project.js';

const FILES = {
  'models/raw/orders.sql': "MODEL (name raw.orders, kind FULL);\nSELECT 1 AS id, @VAR('region', 'eu') AS region, @amount_col AS amount",
  'models/raw/rates.sql': "MODEL (name raw.rates, kind SEED (path '../../seeds/rates.csv'));\n",
  'models/mart/totals.sql': 'MODEL (name mart.totals, kind VIEW);\nSELECT o.id, sum(o.amount * r.rate) AS amount FROM raw.orders AS o, raw.rates AS r GROUP BY o.id',
  'models/mart/blue.sql': 'MODEL (name @b.totals, kind VIEW, blueprints ((b := one), (b := two)));\nSELECT id FROM mart.totals',
  'seeds/rates.csv': 'rate\n1.5\n',
};
const VARS = { region: 'us', amount_col: 10 };


describe('the project cache', () => {
  const projects = projectWriter();
  afterEach(() => projects.cleanup());

  const cacheFile = (dir: string) => join(dir, '.planner/cache/project.cache');
  /** Replaces every cached query and own data hash with recognizable fakes, to tell a hit from a load. */
  const poison = (dir: string) => {
    const [header, meta, ...lines] = readFileSync(cacheFile(dir), 'utf8').split('\n');
    // A line a model: file hash, own data, data, metadata, snapshot id, a tab, the model.
    const poisoned = lines.map((line) => {
      if (!line) return line;
      const tab = line.indexOf('\t');
      const [hash, , data, metadata] = line.slice(0, tab).split(' ');
      const model = JSON.parse(line.slice(tab + 1)) as { query: unknown; shape: unknown };
      if (model.shape) model.query = POISON;
      return `${hash} poisoned ${data} ${metadata} poisoned#id\t${JSON.stringify(model)}`;
    });
    writeFileSync(cacheFile(dir), [header, meta, ...poisoned].join('\n'));
    return dir;
  };
  /** Loads and fingerprints, as a plan does: a load's entry is written with its fingerprints. */
  const load = async (dir: string, config: PlannerConfig = {}, variables: Record<string, unknown> = VARS) => {
    const project = await loadProject(resolveConfig(config, dir), variables);
    fingerprintProject(project);
    return project;
  };

  it('gives the very same models, order and fingerprints as a load without any cache, and deleting it changes nothing', async () => {
    const dir = projects.write(FILES);
    const uncached = await loadProject(resolveConfig({}, dir), VARS, { cache: false });
    const filling = await load(dir);
    const cached = await load(dir);
    for (const p of [filling, cached]) {
      expect(JSON.stringify([...p.models])).toBe(JSON.stringify([...uncached.models]));
      expect(p.order).toEqual(uncached.order);
      expect(summary(p)).toBe(summary(uncached));
      expect([...fingerprintProject(p)]).toEqual([...fingerprintProject(uncached)]);
      expect(p.models.get('raw.rates')!.source).toBe(FILES['models/raw/rates.sql']);
    }
    // Models the cache gives are fingerprinted as the loader would have: recomputing changes nothing.
    for (const [name, { fingerprint }] of fingerprintProject(cached)) {
      expect(fingerprintModel({ ...cached.models.get(name)! }, (p) => fingerprintProject(uncached).get(p)!.fingerprint.data)).toEqual(fingerprint);
    }
    // A query that is the file's own text is not stored a second time.
    expect(readFileSync(cacheFile(dir), 'utf8')).not.toContain('FROM raw.orders AS o');
    rmSync(join(dir, '.planner'), { recursive: true });
    expect(summary(await load(dir))).toBe(summary(uncached));
    // A hit is a hit: the poisoned entry is what a load with the same inputs gets, fingerprints too.
    poison(dir);
    const hit = await load(dir);
    expect(queries(hit)['mart.totals']).toBe(POISON);
    expect(fingerprintProject(hit).get('mart.totals')!.fingerprint.ownData).toBe('poisoned');
    expect(fingerprintProject(hit).get('mart.totals')!.id).toBe('poisoned#id');
  });

  it('never uses a stale entry: any input of its key changed loads afresh', async () => {
    const dir = projects.write(FILES);
    const fresh = await load(dir);
    /** `name` (by default every model) loaded afresh, not from the poisoned entry. */
    const expectFresh = async (p: Promise<Project>, name?: string) => {
      const project = await p;
      for (const n of name ? [name] : [...fresh.models.keys()]) {
        if (project.models.has(n)) expect(queries(project)[n]).toBe(queries(fresh)[n]);
        expect(fingerprintProject(project).get(n)?.fingerprint.ownData).not.toBe('poisoned');
      }
      return project;
    };
    // Same inputs: poisoned (the entry is used).
    expect(queries(await load(poison(dir)))['mart.totals']).toBe(POISON);
    await load(dir, {}, { ...VARS, amount_col: 11 });
    await load(dir);
    // A file's bytes: its models load afresh, and the others' entries (their files unchanged) stand.
    writeFileSync(join(dir, 'models/raw/orders.sql'), `${FILES['models/raw/orders.sql']} `);
    const edited = await expectFresh(load(poison(dir)), 'raw.orders');
    expect(queries(edited)['mart.totals']).toBe(POISON);
    writeFileSync(join(dir, 'models/raw/orders.sql'), FILES['models/raw/orders.sql']);
    // The entry now holds the poisoned models of the files left as they were: a fresh one.
    rmSync(cacheFile(dir));
    await load(dir);
    // A file more, a file less, a file moved.
    writeFileSync(join(dir, 'models/mart/extra.sql'), 'MODEL (name mart.extra, kind VIEW);\nSELECT 1 AS x');
    expect((await expectFresh(load(poison(dir)))).models.has('mart.extra')).toBe(true);
    rmSync(join(dir, 'models/mart/extra.sql'));
    expect((await expectFresh(load(poison(dir)))).models.has('mart.extra')).toBe(false);
    mkdirSync(join(dir, 'models/other'));
    renameSync(join(dir, 'models/mart/totals.sql'), join(dir, 'models/other/totals.sql'));
    expect((await expectFresh(load(poison(dir)), 'mart.totals')).models.get('mart.totals')!.file).toBe('models/other/totals.sql');
    rmSync(cacheFile(dir));
    // A variable, even one no model reads.
    await load(dir);
    await expectFresh(load(poison(dir), {}, { ...VARS, unrelated: 1 }));
    await load(dir);
    // The config's model defaults, default gateway and gateways.
    await expectFresh(load(poison(dir), { modelDefaults: { owner: 'team' } }));
    await load(dir);
    const twoGateways = { gateways: { a: { type: 'duckdb' as const }, b: { type: 'duckdb' as const } } };
    await load(dir, { ...twoGateways, defaultGateway: 'a' });
    await expectFresh(load(poison(dir), { ...twoGateways, defaultGateway: 'b' }));
    await load(dir, { ...twoGateways, defaultGateway: 'a' });
    await expectFresh(load(poison(dir), { gateways: { ...twoGateways.gateways, c: { type: 'duckdb' as const } }, defaultGateway: 'a' }));
    await load(dir);
    // A Jinja macro file's bytes.
    mkdirSync(join(dir, 'macros'));
    writeFileSync(join(dir, 'macros/helpers.sql'), '{% macro unused() %}1{% endmacro %}\n');
    await expectFresh(load(poison(dir)));
    await load(dir);
    // A seed's bytes, read through its model.
    writeFileSync(join(dir, 'seeds/rates.csv'), 'rate\n2.5\n');
    const reseeded = await expectFresh(load(poison(dir)), 'raw.rates');
    expect(reseeded.models.get('raw.rates')!.seedHash).not.toBe(fresh.models.get('raw.rates')!.seedHash);
    // The code that loads and fingerprints (the salt).
    expect(projectKey('context', ['local'], [{ file: 'a', source: 'b' }], 'code-1')).not.toBe(projectKey('context', ['local'], [{ file: 'a', source: 'b' }], 'code-2'));
  });

  it('after an edit, loads only the edited files, the others from the entry, and gives what a load without any cache gives', async () => {
    const dir = projects.write(FILES);
    await load(dir);
    /** The project as a load without any cache gives it, compared whole: models, order, fingerprints. */
    const expectUncached = async (p: Project) => {
      const uncached = await loadProject(resolveConfig({}, dir), VARS, { cache: false });
      expect(JSON.stringify([...p.models])).toBe(JSON.stringify([...uncached.models]));
      expect(p.order).toEqual(uncached.order);
      expect([...fingerprintProject(p)]).toEqual([...fingerprintProject(uncached)]);
    };
    const edit = async (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      const edited = await load(dir);
      await expectUncached(edited);
      // Its entry is written: the same load again is a hit, with the same result.
      await expectUncached(await load(dir));
      return edited;
    };
    // A root's query: it and every model below it fingerprinted anew; the others' entries stand (poisoned, they show).
    writeFileSync(join(dir, 'models/raw/orders.sql'), FILES['models/raw/orders.sql'].replace('AS id', 'AS id, 2 AS two'));
    const poisoned = await load(poison(dir));
    expect(queries(poisoned)['raw.orders']).toContain('2 AS two');
    expect(queries(poisoned)['mart.totals']).toBe(POISON);
    rmSync(join(dir, '.planner'), { recursive: true });
    await load(dir);
    await edit('models/raw/orders.sql', FILES['models/raw/orders.sql']);
    // New parents: the DAG order is made again.
    await edit('models/raw/orders.sql', `${FILES['models/raw/orders.sql']} FROM raw.rates`);
    await edit('models/raw/orders.sql', FILES['models/raw/orders.sql']);
    // A model renamed, disabled, or one more in the file: other names, a full load.
    await edit('models/mart/totals.sql', FILES['models/mart/totals.sql'].replace('name mart.totals', 'name mart.sums').replace('kind VIEW', 'kind VIEW, enabled false'));
    await edit('models/mart/blue.sql', FILES['models/mart/blue.sql'].replace('mart.totals', 'raw.orders'));
    await edit('models/mart/totals.sql', FILES['models/mart/totals.sql']);
    await edit('models/mart/blue.sql', FILES['models/mart/blue.sql']);
    await edit('models/mart/blue.sql', FILES['models/mart/blue.sql'].replace('(b := two)', '(b := two), (b := three)'));
    await edit('models/mart/blue.sql', FILES['models/mart/blue.sql']);
    // A file whose one model is disabled: added, edited, then gone.
    const off = 'MODEL (name mart.off, kind VIEW, enabled false);\nSELECT 1 AS x';
    await edit('models/mart/off.sql', off);
    await edit('models/mart/off.sql', `${off}, 2 AS y`);
    await edit('models/mart/totals.sql', `${FILES['models/mart/totals.sql']} `);
    rmSync(join(dir, 'models/mart/off.sql'));
    await expectUncached(await load(dir));
    await edit('models/mart/totals.sql', FILES['models/mart/totals.sql']);
    // An edit writes a patch, not the whole file; either can be deleted, and a full load's file drops the patch.
    rmSync(join(dir, '.planner'), { recursive: true });
    await load(dir);
    const whole = readFileSync(cacheFile(dir), 'utf8');
    const patchFile = join(dir, '.planner/cache/project.patch');
    await edit('models/mart/totals.sql', `${FILES['models/mart/totals.sql']} `);
    expect(readFileSync(cacheFile(dir), 'utf8')).toBe(whole);
    // Header, meta, the edited model's line (a space more: its fingerprints, and so its children's, stand), and the end.
    expect(readFileSync(patchFile, 'utf8').split('\n')).toHaveLength(2 + 1 + 1);
    await edit('models/raw/orders.sql', `${FILES['models/raw/orders.sql']} `);
    expect(readFileSync(cacheFile(dir), 'utf8')).toBe(whole);
    rmSync(patchFile);
    await expectUncached(await load(dir));
    await edit('models/raw/orders.sql', FILES['models/raw/orders.sql']);
    rmSync(cacheFile(dir));
    await expectUncached(await load(dir));
    await edit('models/mart/totals.sql', FILES['models/mart/totals.sql']);
    await load(dir, {}, { ...VARS, unrelated: 1 });
    expect(() => readFileSync(patchFile)).toThrow();
    await load(dir);
    // A model that reads another relation's columns: a full load, which writes no entry.
    const before = readFileSync(cacheFile(dir), 'utf8');
    writeFileSync(join(dir, 'models/mart/totals.sql'), 'MODEL (name mart.totals, kind VIEW);\nSELECT @STAR(raw.orders) FROM raw.orders');
    await expectUncached(await load(dir));
    expect(readFileSync(cacheFile(dir), 'utf8')).toBe(before);
    await edit('models/mart/totals.sql', FILES['models/mart/totals.sql']);
    // Bad input in the edited file is reported as a load without the cache reports it.
    writeFileSync(join(dir, 'models/raw/orders.sql'), 'MODEL (name raw.orders, kind FULL);\nSELECT 1 AS id FROM mart.totals');
    const cycle = await load(dir).then(() => undefined, (e: unknown) => e as Error);
    const uncachedCycle = await loadProject(resolveConfig({}, dir), VARS, { cache: false }).then(() => undefined, (e: unknown) => e as Error);
    expect(cycle?.message).toMatch(/cycle/);
    expect(cycle).toEqual(uncachedCycle);
    await edit('models/raw/orders.sql', FILES['models/raw/orders.sql']);
  });

  it('keys every file list apart: no path or text can run into the next file', () => {
    const key = (files: [string, string][]) => projectKey('context', ['local'], files.map(([file, source]) => ({ file, source })), 'code');
    const keys = [
      key([['a', 'bc']]),
      key([['a', 'b'], ['c', '']]),
      key([['a', 'b\0c\0']]),
      key([['ab', 'c']]),
      key([]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is not written when a model reads another relation\'s columns or calls a TypeScript macro', async () => {
    for (const extra of <Record<string, string>[]>[
      { 'models/mart/starred.sql': 'MODEL (name mart.starred, kind VIEW);\nSELECT @STAR(raw.orders) FROM raw.orders' },
      {
        'models/mart/coded.sql': 'MODEL (name mart.coded, kind VIEW);\nSELECT @double(id) AS twice FROM raw.orders',
        'macros/double.ts': "export function double(_ev: unknown, x: { sql: string }) { return `${x.sql} * 2`; }\n",
      },
    ]) {
      const dir = projects.write({ ...FILES, ...extra });
      await load(dir);
      await load(dir);
      expect(() => readFileSync(cacheFile(dir))).toThrow();
    }
  });

  it('is written only by fingerprinting the very models the load made', async () => {
    const dir = projects.write(FILES);
    const config = resolveConfig({}, dir);
    // Not fingerprinted: no entry (its fingerprints are part of it).
    await loadProject(config, VARS);
    expect(() => readFileSync(cacheFile(dir))).toThrow();
    // A copy (a sampled project) is not the load's.
    const loaded = await loadProject(config, VARS);
    fingerprintProject({ ...loaded, models: new Map([...loaded.models].map(([n, m]) => [n, { ...m, sample: { fraction: 0.5 } }])) });
    expect(() => readFileSync(cacheFile(dir))).toThrow();
    // A model changed since the load, or the project's map: none either.
    const changed = await loadProject(config, VARS);
    changed.models.get('mart.totals')!.owner = 'someone';
    fingerprintProject(changed);
    expect(() => readFileSync(cacheFile(dir))).toThrow();
    const swapped = await loadProject(config, VARS);
    swapped.models.set('mart.totals', { ...swapped.models.get('mart.totals')! });
    fingerprintProject(swapped);
    expect(() => readFileSync(cacheFile(dir))).toThrow();
    // The load's own models, fingerprinted: written, and the next load gives the same.
    const own = await loadProject(config, VARS);
    const ids = fingerprintProject(own);
    expect(readFileSync(cacheFile(dir), 'utf8')).toContain('mart.totals');
    expect([...fingerprintProject(await loadProject(config, VARS))]).toEqual([...ids]);
  });

  it('loads afresh from a broken or foreign file', async () => {
    const dir = projects.write(FILES);
    const fresh = summary(await load(dir));
    const text = readFileSync(cacheFile(dir), 'utf8');
    writeFileSync(cacheFile(dir), text.slice(0, text.length / 2));
    expect(summary(await load(dir))).toBe(fresh);
    writeFileSync(cacheFile(dir), 'not a cache');
    expect(summary(await load(dir))).toBe(fresh);
    expect(readFileSync(cacheFile(dir), 'utf8')).toBe(text);
  });

  it('remembers fingerprints only for the very models and parents they were computed from', async () => {
    const dir = projects.write(FILES);
    await load(dir);
    const hit = await load(poison(dir));
    const totals = hit.models.get('mart.totals')!;
    expect(fingerprintProject(hit).get('mart.totals')!.fingerprint.ownData).toBe('poisoned');
    // A copy (a sampled model) is another model: fingerprinted afresh.
    const copy = { ...totals, sample: { fraction: 0.5 } };
    expect(fingerprintModel(copy, () => 'p').ownData).not.toBe('poisoned');
    // A field set anew is fingerprinted afresh, and so is its snapshot id.
    totals.kind = { name: 'FULL' };
    expect(fingerprintModel(totals, () => 'p').ownData).not.toBe('poisoned');
    expect(fingerprintProject(hit).get('mart.totals')!.id).toMatch(/^mart\.totals#[0-9a-f]{16}$/);
    // Other parents' data hashes give another data hash.
    const blue = hit.models.get('one.totals')!;
    const remembered = fingerprintProject(hit).get('one.totals')!.fingerprint;
    const other = fingerprintModel(blue, () => 'other');
    expect(other.ownData).toBe(remembered.ownData);
    expect(other.data).not.toBe(remembered.data);
  });
});
