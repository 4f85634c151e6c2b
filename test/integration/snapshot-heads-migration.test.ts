import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/util/stable-json.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { snapshotsBeforeHeads } from '../helpers/old-state.js';
import { rawSql } from '../helpers/raw-sql.js';

const server = await postgresServer();

/** Copies of each stored snapshot under new ids, so the migration fills more rows than one batch. */
const COPIES = 300;

/** Issue #15: state migration 7 keeps each snapshot's head in a column of its own, filled for the snapshots stored before it. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`snapshot heads (state migration 7) on ${engine.name}`, () => {
    let w: EngineProject;
    const pg = engine.name.startsWith('PostgreSQL');
    const raw = (query: string) => rawSql(w, pg, query);
    const cli = (...args: string[]) => runCli([...args, '-p', w.project.dir]);
    const version = async () => (await raw('SELECT max(version) AS v FROM planner_state.schema_version')).map((r) => Number(r.v));
    const quote = (v: unknown) => `'${String(v).replaceAll("'", "''")}'`;

    beforeEach(async () => {
      w = await engine.setup();
      const applied = await cli('plan', '--yes');
      expect(applied.code, applied.text).toBe(0);
    });
    afterEach(async () => w?.cleanup());

    it('upgrades a state left at migration 6: every snapshot reads as before, with the head its payload gives', async () => {
      const written = await raw('SELECT id, head FROM planner_state.snapshots ORDER BY id');
      // What planner at state version 6 leaves (migrations never change), with more
      // snapshots than the migration fills in one batch.
      await snapshotsBeforeHeads(raw);
      const stored = await raw('SELECT id, name, version, payload, created_at FROM planner_state.snapshots ORDER BY id');
      const copies = stored.flatMap((r) =>
        Array.from({ length: COPIES }, (_, i) => {
          const id = `${String(r.id)}~${i}`;
          return `(${quote(id)}, ${quote(r.name)}, ${quote(r.version)}, ${quote(JSON.stringify({ ...JSON.parse(String(r.payload)), id }))}, ${Number(r.created_at)})`;
        }),
      );
      for (let i = 0; i < copies.length; i += 200) await raw(`INSERT INTO planner_state.snapshots VALUES ${copies.slice(i, i + 200).join(', ')}`);
      expect(await version()).toEqual([6]);

      const noop = await cli('plan', '--dry-run');
      expect(noop.code, noop.text).toBe(0);
      expect(noop.text).toContain('No changes');
      expect(await version()).toEqual([7]);

      const rows = await raw('SELECT id, payload, head FROM planner_state.snapshots ORDER BY id');
      expect(rows).toHaveLength(stored.length * (COPIES + 1));
      for (const r of rows) {
        // The head is the payload without the model's definition, but for its schedule.
        const { model, ...rest } = JSON.parse(String(r.payload));
        const expected = { ...rest, model: { kind: model.kind, cron: model.cron, ...(model.start === undefined ? {} : { start: model.start }), tags: model.tags, file: model.file } };
        expect(stableStringify(JSON.parse(String(r.head)))).toBe(stableStringify(expected));
      }
      // The migration fills a head as a new snapshot's insert writes it.
      for (const r of written) expect(rows.find((x) => x.id === r.id)?.head).toBe(r.head);

      await w.project.with(async (ctx) => {
        const ids = rows.map((r) => String(r.id));
        const [whole, heads] = [await ctx.state.getSnapshots(ids), await ctx.state.getSnapshotHeads(ids)];
        expect(whole.size).toBe(ids.length);
        for (const [id, s] of whole) {
          const { model, ...rest } = s;
          expect(stableStringify(heads.get(id))).toBe(stableStringify({ ...rest, model: { kind: model.kind, cron: model.cron, start: model.start, tags: model.tags, file: model.file } }));
        }
      });
      const verify = await cli('verify', '--json');
      expect(JSON.parse(verify.text).problems).toEqual([]);
      const run = await cli('run');
      expect(run.code, run.text).toBe(0);
    });

    it('reports the head column missing at state version 7, and plan refuses it', async () => {
      await snapshotsBeforeHeads(raw);
      await raw(`INSERT INTO planner_state.schema_version VALUES (7, 'snapshot-heads', 0)`);
      const verify = await cli('verify', '--json');
      expect(JSON.parse(verify.text).problems).toContainEqual(expect.objectContaining({ code: 'state_schema', message: 'state table planner_state.snapshots has no column head (state version 7 has it)' }));
      const plan = await cli('plan', '--dry-run');
      expect(plan.code, plan.text).not.toBe(0);
      expect(plan.text).toContain('has no column head');
    });
  });
}
