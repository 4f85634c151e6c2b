import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IDENTIFIER_BYTES } from '../../src/util/identifiers.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { ROOT } from '../helpers/project.js';

const server = await postgresServer();
const EXAMPLE = join(ROOT, 'examples/postgres-team');

/** Model files that validation must refuse, each with the message that says why. */
const refusedModels: [string, string, RegExp][] = [
  ['quote and semicolon', `raw."x; DROP TABLE canary.keep; --"`, /model name 'raw\.x; DROP TABLE canary\.keep; --' must be schema\.table/],
  ['mixed case', 'Canary.Keep', /schema name 'Canary' is not a valid name/],
  ['three parts', 'canary.keep.x', /must be schema\.table/],
  ['multibyte', 'raw.ünïcode', /unexpected character/],
  ['statement after the name', 'raw.t; DROP TABLE canary.keep', /unexpected ';'/],
  ['over 63 bytes', `raw.${'t'.repeat(MAX_IDENTIFIER_BYTES + 1)}`, /longer than 63 bytes/],
];

const refusedEnvironments: [string, RegExp][] = [
  ['dev;drop', /invalid environment name/],
  ['DEV', /invalid environment name/],
  ['dev.x', /invalid environment name/],
  ['dev"x', /invalid environment name/],
  ['dév', /invalid environment name/],
  [`dev_${'x'.repeat(40)}`, /invalid environment name/],
];

const longTable = (last: string) => `${'m'.repeat(MAX_IDENTIFIER_BYTES - 1)}${last}`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`hostile names on ${engine.name}`, () => {
    let env: EngineProject;
    let applied: string[];
    beforeAll(async () => {
      env = await engine.setup(EXAMPLE, ['models', 'seeds']);
      await env.sql(`CREATE SCHEMA canary`);
      await env.sql(`CREATE TABLE canary.keep AS SELECT 42 AS answer`);
      // Names that are valid and must be created exactly: a reserved word, quoted
      // column aliases with quotes and semicolons, and two 63-byte names that differ
      // only in their last byte (PostgreSQL would truncate longer physical names onto each other).
      env.project.write('models/raw/select.sql', `MODEL (name raw.select, kind VIEW);\nSELECT 1 AS "from", 'x;y' AS "Mixed ""Col"";";\n`);
      env.project.write('models/raw/long_a.sql', `MODEL (name raw.${longTable('a')}, kind FULL);\nSELECT 1 AS a;\n`);
      env.project.write('models/raw/long_b.sql', `MODEL (name raw.${longTable('b')}, kind FULL);\nSELECT 2 AS b;\n`);
      expect((await runCli(['plan', 'prod', '--auto-apply', '-p', env.project.dir])).code).toBe(0);
      applied = await env.objects();
    });
    afterAll(() => env?.cleanup());

    it('creates valid but unusual names exactly, every physical name unique and within 63 bytes', async () => {
      expect(applied).toContain('raw.select view');
      expect(applied.filter((o) => o.startsWith('planner__raw.raw__select__'))).toHaveLength(1);
      expect(await env.sql(`SELECT "from", "Mixed ""Col"";" AS c FROM raw."select"`)).toEqual([{ from: 1, c: 'x;y' }]);
      expect(applied).toContain(`raw.${longTable('a')} view`);
      expect(applied).toContain(`raw.${longTable('b')} view`);
      const physical = applied.filter((o) => o.startsWith('planner__')).map((o) => o.split(' ')[0]);
      expect(new Set(physical).size).toBe(physical.length);
      for (const name of physical) for (const part of name.split('.')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
      // What state recorded is exactly what the catalog holds: nothing was truncated.
      const recorded = await env.sql(`SELECT schema_name || '.' || table_name AS t FROM planner_state.physical_tables ORDER BY 1`);
      expect(recorded.map((r) => r.t).sort()).toEqual([...physical].sort());
      expect(await env.sql(`SELECT a FROM raw."${longTable('a')}"`)).toEqual([{ a: 1 }]);
      expect(await env.sql(`SELECT b FROM raw."${longTable('b')}"`)).toEqual([{ b: 2 }]);
    });

    it.each(refusedModels)('refuses a model name with %s, changing nothing', async (_what, name, message) => {
      env.project.write('models/bad.sql', `MODEL (name ${name}, kind FULL);\nSELECT 1 AS x;\n`);
      try {
        const run = await runCli(['plan', 'prod', '--auto-apply', '-p', env.project.dir]);
        expect(run.code).toBe(2);
        expect(run.text).toMatch(message);
        expect(run.text).toMatch(/models\/bad\.sql:1:\d+/);
      } finally {
        rmSync(env.project.path('models/bad.sql'));
      }
      expect(await env.objects()).toEqual(applied);
    });

    it.each(refusedEnvironments)('refuses environment name %s, changing nothing', async (name, message) => {
      const run = await runCli(['plan', name, '--auto-apply', '-p', env.project.dir]);
      expect(run.code).toBe(2);
      expect(run.text).toMatch(message);
      expect(await env.objects()).toEqual(applied);
    });

    it('refuses an environment whose view schema would pass 63 bytes, and a hostile state schema', async () => {
      // 50 + '__' + 13 = 65 bytes.
      const schema = 's'.repeat(50);
      env.project.write('models/long_schema.sql', `MODEL (name ${schema}.t, kind FULL);\nSELECT 1 AS x;\n`);
      const run = await runCli(['plan', 'dev_alice_xyz', '--auto-apply', '-p', env.project.dir]);
      expect(run.code).toBe(2);
      expect(run.text).toMatch(/passes 63 bytes/);
      rmSync(env.project.path('models/long_schema.sql'));
      expect(await env.objects()).toEqual(applied);

      const config = env.project.read('planner.config.ts');
      env.project.write('planner.config.ts', config.replace('export default {', `export default {\n  stateSchema: 'x"; DROP TABLE canary.keep; --',`));
      const state = await runCli(['plan', 'prod', '--auto-apply', '-p', env.project.dir]);
      env.project.write('planner.config.ts', config);
      expect(state.code).toBe(2);
      expect(state.text).toMatch(/stateSchema/);
      expect(await env.objects()).toEqual(applied);
    });

    it('keeps the canary table through all of it', async () => {
      expect(await env.sql(`SELECT answer FROM canary.keep`)).toEqual([{ answer: 42 }]);
      expect(applied).toContain('canary.keep table');
    });
  });
}
