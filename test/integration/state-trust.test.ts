import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { rawSql } from '../helpers/raw-sql.js';
import { TempProject } from '../helpers/project.js';
import { LATEST_STATE_VERSION } from '../../src/state/migrations/index.js';

const server = await postgresServer();

/** Team guarantee: state knows its version and its project, and reads back only what decodes. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`state trust on ${engine.name}`, () => {
    let w: EngineProject;
    const cli = (args: string[], dir = w.project.dir) => runCli([...args, '-p', dir]);
    const pg = engine.name.startsWith('PostgreSQL');
    const raw = (query: string) => rawSql(w, pg, query);
    const catalog = async () => (await raw(`SELECT table_schema || '.' || table_name AS o FROM information_schema.tables ORDER BY 1`)).map((r) => String(r.o));
    const planRows = async () => Number((await raw('SELECT count(*) AS n FROM planner_state.plans'))[0].n);

    beforeEach(async () => {
      w = await engine.setup();
      const applied = await cli(['plan', '--yes']);
      expect(applied.code, applied.text).toBe(0);
    });
    afterEach(async () => w?.cleanup());

    it('refuses a state written by a newer planner before anything runs', async () => {
      await raw(`INSERT INTO planner_state.schema_version VALUES (99, 'future', 0)`);
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
      const before = await catalog();
      for (const args of [['plan', 'dev', '--yes'], ['run'], ['janitor', '--ignore-ttl']]) {
        const r = await cli(args);
        expect(r.code, r.text).toBe(1);
        expect(r.text).toContain('state version 99 was written by a newer planner; upgrade');
      }
      expect(await catalog()).toEqual(before);
      expect(await planRows()).toBe(1);
    });

    it('reports tables that do not match the recorded version in verify, and plan refuses them', async () => {
      await w.sql('ALTER TABLE planner_state.plans DROP COLUMN summary');
      const verify = await cli(['verify', '--json']);
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.text).problems).toEqual([
        { code: 'state_schema', object: 'planner_state.plans', message: `state table planner_state.plans has no column summary (state version ${LATEST_STATE_VERSION} has it)` },
      ]);
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
      const before = await w.objects();
      const plan = await cli(['plan', 'dev', '--yes']);
      expect(plan.code).toBe(1);
      expect(plan.text).toMatch(/state does not match its recorded version: state table planner_state.plans has no column summary/);
      expect(await w.objects()).toEqual(before);
    });

    it('refuses a second project pointed at the same state (exit 2) unless its config shares it', async () => {
      const other = new TempProject(w.project.dir, ['models', 'seeds', 'audits', 'tests', 'planner.config.ts']);
      try {
        // A smaller project: with --allow-destructive it would drop the first project's views.
        other.write('models/analytics/customers.sql', other.read('models/analytics/customers.sql'));
        other.edit('planner.config.ts', /modelDefaults:/, `project: 'other', modelDefaults:`);
        if (!pg) other.edit('planner.config.ts', `'.planner/warehouse.duckdb'`, JSON.stringify(w.project.path('.planner/warehouse.duckdb')));
        const owner = w.project.dir.split('/').pop();
        const before = await w.objects();
        const refused = await cli(['plan', '--yes', '--allow-destructive'], other.dir);
        expect(refused.code, refused.text).toBe(2);
        expect(refused.text).toContain(`this state belongs to project '${owner}', not 'other'; nothing was done`);
        expect(await w.objects()).toEqual(before);

        other.edit('planner.config.ts', `project: 'other',`, `project: 'other', sharedState: ['${owner}'],`);
        const shared = await cli(['plan', '--dry-run'], other.dir);
        expect(shared.code, shared.text).toBe(0);
        expect((await w.sql('SELECT name FROM planner_state.projects ORDER BY registered_at, name')).map((r) => r.name)).toEqual([owner, 'other']);
      } finally {
        other.remove();
      }
    });

    it('names the snapshot whose payload does not decode', async () => {
      const [row] = await w.sql(`SELECT id FROM planner_state.snapshots WHERE name = 'analytics.customers'`);
      await w.sql(`UPDATE planner_state.snapshots SET payload = '{"id": 1}' WHERE id = '${String(row.id)}'`);
      // A changed model's plan reads the payload of what it replaces.
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
      const r = await cli(['plan', 'dev', '--include-unmodified', '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.text).toContain(`state snapshot ${String(row.id)} cannot be read: its payload has no id`);
      await w.sql(`UPDATE planner_state.snapshots SET payload = 'not json' WHERE id = '${String(row.id)}'`);
      expect((await cli(['verify'])).text).toContain(`state snapshot ${String(row.id)} cannot be read: its payload is not JSON`);
    });

    it('names the snapshot whose head is missing or does not decode, in plan, run and verify, and never reads its payload instead', async () => {
      const [row] = await w.sql(`SELECT id FROM planner_state.snapshots WHERE name = 'analytics.customers'`);
      await raw(`UPDATE planner_state.snapshots SET head = NULL WHERE id = '${String(row.id)}'`);
      for (const args of [['plan', '--dry-run'], ['run'], ['verify']]) {
        const r = await cli(args);
        expect(r.code, r.text).toBe(1);
        expect(r.text).toContain(`state snapshot ${String(row.id)} cannot be read: it has no head`);
      }
      await raw(`UPDATE planner_state.snapshots SET head = '{"id": "${String(row.id)}"}' WHERE id = '${String(row.id)}'`);
      const r = await cli(['plan', '--dry-run']);
      expect(r.code, r.text).toBe(1);
      expect(r.text).toContain(`state snapshot ${String(row.id)} cannot be read: its head has no name`);
      expect(await planRows()).toBe(1);
    });

    it('treats a schema_version that cannot be read as an error, never as a fresh database', async () => {
      await raw('DROP TABLE planner_state.schema_version');
      const failing = pg ? '1 / (SELECT 0)' : "error('schema_version is unreadable')";
      await raw(`CREATE VIEW planner_state.schema_version AS SELECT ${failing} AS version, 'x' AS name, 0 AS applied_at`);
      const r = await cli(['plan', '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.text).toMatch(pg ? /division by zero/ : /schema_version is unreadable/);
      expect(await planRows()).toBe(1);
    });
  });
}
