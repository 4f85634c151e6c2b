import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const PARENT = `MODEL (name raw.orders, kind FULL);
SELECT 1 AS order_id, 10 AS customer_id, 5.5 AS amount, 'paid' AS status`;

// Two CTEs, the second reading the first; a comment holding ')' inside the first one.
const MODEL = `MODEL (name shop.customer_totals, kind FULL, grain customer_id);
WITH paid AS (
  SELECT order_id, customer_id, amount FROM raw.orders WHERE status = 'paid' -- not ')' a close
), totals (customer_id, total, n) AS (
  SELECT customer_id, SUM(amount), COUNT(*) FROM paid GROUP BY customer_id
)
SELECT customer_id, total FROM totals
ORDER BY customer_id`;

const INPUTS = `  inputs:
    raw.orders:
      - {order_id: 1, customer_id: 10, amount: 5.5, status: paid}
      - {order_id: 2, customer_id: 10, amount: 4.5, status: paid}
      - {order_id: 3, customer_id: 11, amount: 7, status: open}
`;

const TEST = `test_customer_totals:
  model: shop.customer_totals
${INPUTS}  outputs:
    ctes:
      paid:
        - {order_id: 1, customer_id: 10, amount: 5.5}
        - {order_id: 2, customer_id: 10, amount: 4.5}
      totals:
        partial: true
        rows:
          - {customer_id: 10, n: 2}
    query:
      - {customer_id: 10, total: 10}
`;

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`unit tests with outputs.ctes (${engine.name} dialect)`, () => {
    const projects = projectsOn(engine);
    const setup = (test: string) => projects.setup({ 'models/raw/orders.sql': PARENT, 'models/shop/customer_totals.sql': MODEL, 'tests/test_totals.yaml': test });

    it('check each named CTE against its rows (partial: true compares only the listed columns), then the query', async () => {
      const p = await setup(TEST);
      const r = await runCli(['test', '-p', p.project.dir]);
      expect(r.text).toContain('PASS test_customer_totals (tests/test_totals.yaml:1, model shop.customer_totals)');
      expect(r.code).toBe(0);
    });

    it('report a CTE whose rows differ by name, with the diff, exit 1; outputs.partial applies to every output', async () => {
      const p = await setup(TEST.replace('{order_id: 2, customer_id: 10, amount: 4.5}', '{order_id: 2, customer_id: 10, amount: 4.75}'));
      const r = await runCli(['test', '-p', p.project.dir]);
      expect(r.code).toBe(1);
      expect(r.text).toContain(
        [
          'FAIL test_customer_totals (tests/test_totals.yaml:1, model shop.customer_totals, CTE paid)',
          '  1 of 2 expected rows match',
          '  expected but not returned:',
          '    - order_id=2, customer_id=10, amount=4.75',
          '  returned but not expected:',
          '    + order_id=2, customer_id=10, amount=4.5',
        ].join('\n'),
      );
      // Only CTEs, no query; `partial` under outputs: columns left out are not compared.
      p.project.write('tests/test_totals.yaml', `test_only_ctes:
  model: shop.customer_totals
${INPUTS}  outputs:
    partial: true
    ctes:
      totals:
        - {customer_id: 10, total: 10}
      paid:
        - {order_id: 1}
        - {order_id: 2}
`);
      const only = await runCli(['test', '-p', p.project.dir]);
      expect(only.text).toContain('Ran 1 test: 1 passed, 0 failed.');
      expect(only.code).toBe(0);
    });

    it('refuse a CTE the query does not have: exit 2 with the file, line and column, and the closest name', async () => {
      const p = await setup(TEST.replace('      paid:', '      payd:'));
      const r = await runCli(['test', '-p', p.project.dir]);
      expect(r.code).toBe(2);
      expect(r.text).toContain("error: tests/test_totals.yaml:10:7: test test_customer_totals: model shop.customer_totals has no CTE named 'payd' (did you mean paid? (known: paid, totals))");
      p.project.write('tests/test_totals.yaml', `test_no_with:\n  model: raw.orders\n  outputs:\n    ctes:\n      paid: []\n`);
      const none = await runCli(['test', '-p', p.project.dir]);
      expect(none.code).toBe(2);
      expect(none.text).toContain("error: tests/test_totals.yaml:5:7: test test_no_with: model raw.orders has no CTE named 'paid' (its query has no WITH clause)");
    });
  });
}
