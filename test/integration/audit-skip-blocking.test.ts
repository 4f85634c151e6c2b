import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const MODEL = (audits: string) => `MODEL (name shop.items, kind FULL, audits (${audits}));
SELECT * FROM (VALUES (1, -5), (2, 7)) AS v (id, price)`;

// Both would find the row with a negative price; neither may stop the apply.
const AUDITS = `AUDIT (name no_negative_price, skip true);
SELECT * FROM @this_model WHERE price < 0;

AUDIT (name no_negative_price_warn, blocking false);
SELECT * FROM @this_model WHERE price < 0;
`;

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`audits with skip true and blocking false, as SQLMesh documents them (${engine.name})`, () => {
    const projects = projectsOn(engine);

    it('skip true: never run (SKIP in planner audit); blocking false: a warning, the apply goes on; a blocking audit stops it', async () => {
      const p = await projects.setup({ 'models/shop/items.sql': MODEL('no_negative_price, no_negative_price_warn'), 'audits/prices.sql': AUDITS });
      const dir = p.project.dir;
      const applied = await runCli(['plan', '--yes', '-p', dir, '--progress', 'none']);
      expect(applied.text).toMatch(/warning: audit no_negative_price_warn on shop\.items found 1 bad row \(non-blocking\)/);
      expect(applied.code).toBe(0);
      expect(Number((await p.sql('SELECT count(*) AS n FROM shop.items'))[0].n)).toBe(2);

      const audit = await runCli(['audit', '-p', dir]);
      expect(audit.text).toContain('SKIP shop.items  no_negative_price');
      expect(audit.text).toContain('Ran 2 audits: 0 passed, 1 failed, 1 skipped.');
      expect(audit.code).toBe(0);

      // The same audit, not skipped: blocking by default, so the change is not applied.
      p.project.write('audits/prices.sql', AUDITS.replace('skip true', 'skip false'));
      p.project.write('models/shop/items.sql', MODEL('no_negative_price, no_negative_price_warn').replace('(2, 7)', '(2, 8)'));
      const blocked = await runCli(['plan', '--yes', '-p', dir, '--progress', 'none']);
      expect(blocked.code).toBe(1);
      expect(blocked.text).toMatch(/audit no_negative_price on shop\.items found 1 bad row/);
      expect((await p.sql('SELECT price FROM shop.items WHERE id = 2')).map((r) => Number(r.price))).toEqual([7]);
    });
  });
}
