import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINGERPRINT_FORMAT } from '../../src/model/canonical-query.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { writeFormatZeroState } from '../helpers/format-zero-state.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`upgrading fingerprints from format 0 on ${engine.name}`, () => {
    let env: EngineProject;
    beforeAll(async () => {
      env = await engine.setup();
      expect((await runCli(['plan', 'prod', '--auto-apply', '-p', env.project.dir])).code).toBe(0);
      expect((await runCli(['plan', 'dev_a', '--include-unmodified', '--auto-apply', '-p', env.project.dir])).code).toBe(0);
    });
    afterAll(() => env?.cleanup());

    it('refuses to plan until migrate, which recomputes them and builds nothing: then plan says No changes', async () => {
      const before = await env.project.with(async (ctx) => {
        await writeFormatZeroState(ctx);
        return { tables: await ctx.state.listBuiltTables(), snapshots: await ctx.state.listSnapshotRefs() };
      });
      const objects = await env.objects();
      // The rewritten state really is format 0: its ids differ from what this planner computes.
      const refused = await runCli(['plan', 'prod', '--dry-run', '-p', env.project.dir]);
      expect(refused.code).toBe(2);
      expect(refused.text).toContain('fingerprinted by an older planner (format 0');
      expect(refused.text).toContain('planner migrate');

      const migrated = await runCli(['migrate', '-p', env.project.dir]);
      expect(migrated.code, migrated.text).toBe(0);
      expect(migrated.text).toMatch(new RegExp(`Recomputed ${before.snapshots.length} snapshot fingerprint\\(s\\) in format ${FINGERPRINT_FORMAT} and repointed 2 environment\\(s\\)`));

      for (const name of ['prod', 'dev_a']) {
        const plan = await runCli(['plan', name, '--include-unmodified', '--auto-apply', '-p', env.project.dir]);
        expect(plan.code, plan.text).toBe(0);
        expect(plan.text).toContain(`No changes: the project matches environment ${name}.`);
      }
      // Nothing was built or dropped: the same tables, built when they were, the same versions.
      const after = await env.project.with(async (ctx) => ({ tables: await ctx.state.listBuiltTables(), snapshots: await ctx.state.listSnapshotRefs() }));
      const key = (t: { name: string; version: string; builtAt?: number }) => `${t.name}@${t.version}@${t.builtAt ?? ''}`;
      expect(after.tables.map(key).sort()).toEqual(before.tables.map(key).sort());
      expect(after.snapshots.map((s) => `${s.name}@${s.version}`).sort()).toEqual(before.snapshots.map((s) => `${s.name}@${s.version}`).sort());
      expect(await env.objects()).toEqual(objects);
      const rows = await env.sql('SELECT count(*) AS n FROM analytics.order_totals');
      expect(Number(rows[0].n)).toBeGreaterThan(0);

      const again = await runCli(['migrate', '-p', env.project.dir]);
      expect(again.text).toContain(`Fingerprints are in format ${FINGERPRINT_FORMAT}; nothing to recompute.`);
    });
  });
}
