import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { TempProject } from '../helpers/project.js';
import { catalog } from '../helpers/warehouse-state.js';

async function cli(p: TempProject, ...args: string[]) {
  const io = captureIO();
  const code = await main([...args, '-p', p.dir], io);
  return { code, io, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('unit tests (planner test) on the demo project', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('pass on the demo project, and touch no warehouse', async () => {
    const r = await cli(p, 'test');
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASS test_order_totals_sums_lines_per_order (tests/order_totals.yaml:4, model analytics.order_totals)');
    expect(r.out).toContain('Ran 4 tests: 4 passed, 0 failed.');
    expect(await p.with(async (ctx) => catalog(async (sql) => (await ctx.engine.query(sql)).rows))).toEqual([]);
  });

  it('fail with a readable diff when an expected row changes, and exit 1', async () => {
    p.edit('tests/order_totals.yaml', 'item_count: 2, units: 3, revenue: 12.50', 'item_count: 2, units: 3, revenue: 13.50');
    p.edit('tests/revenue.yaml', '- {order_date: 2024-01-02, revenue: 7.25}', '- {order_date: 2024-01-03, revenue: 7.25}');
    const r = await cli(p, 'test');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      [
        'FAIL test_order_totals_sums_lines_per_order (tests/order_totals.yaml:4, model analytics.order_totals)',
        '  2 of 3 expected rows match',
        '  1 row differs (rows paired on order_id):',
        '    order_id=1',
        '      revenue  expected 13.5  actual 12.5',
      ].join('\n'),
    );
    expect(r.out).toContain(
      [
        '  expected but not returned:',
        '    - order_date="2024-01-03", revenue=7.25',
        '  returned but not expected:',
        '    + order_date="2024-01-02", revenue=7.25',
      ].join('\n'),
    );
    expect(r.out).toContain('Ran 4 tests: 2 passed, 2 failed.');

    const json = await cli(p, 'test', 'tests/order_totals.yaml::test_order_totals_sums_lines_per_order', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
    expect(report.tests[0].diff.changed).toEqual([
      {
        key: { order_id: 1 },
        expected: { order_id: 1, customer_id: 10, order_date: '2024-01-01', item_count: 2, units: 3, revenue: 13.5 },
        actual: { order_id: 1, customer_id: 10, order_date: '2024-01-01', item_count: 2, units: 3, revenue: 12.5 },
        columns: ['revenue'],
      },
    ]);
    // Selecting only passing tests passes.
    expect((await cli(p, 'test', 'analytics.customers', 'test_staging_orders_drops_unknown_statuses')).code).toBe(0);
  });

  it('run before planner plan: a failure stops it before anything is printed or applied; --skip-tests plans anyway', async () => {
    p.edit('models/analytics/order_totals.sql', 'CAST(COALESCE(SUM(i.line_amount), 0) AS NUMERIC(12, 2)) AS revenue', 'CAST(COALESCE(SUM(i.line_amount), 0) * 2 AS NUMERIC(12, 2)) AS revenue');
    const refused = await cli(p, 'plan', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('revenue  expected 12.5  actual 25');
    expect(refused.err).toContain('error: 1 of 4 unit tests failed (test_order_totals_sums_lines_per_order); nothing was planned');
    expect(refused.err).toContain('hint: run `planner test` to see the differences; pass --skip-tests to plan anyway');
    expect(refused.out).toBe('');
    expect(await p.with(async (ctx) => ctx.state.getEnvironment('prod'))).toBeUndefined();

    const skipped = await cli(p, 'plan', '--yes', '--skip-tests');
    expect(skipped.code).toBe(0);
    const rows = await p.with(async (ctx) => (await ctx.engine.query(`SELECT revenue FROM analytics.order_totals WHERE order_id = 1001`)).rows);
    expect(Number(rows[0].revenue)).toBeGreaterThan(0);
  });
});

describe('unit test files', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('give vars to @VAR and the time macros, inline EMBEDDED parents, and take typed empty inputs', async () => {
    p.write('models/analytics/recent_big.sql', `MODEL (name analytics.recent_big, kind EMBEDDED);
SELECT order_id, revenue, order_date FROM analytics.order_totals WHERE revenue >= @VAR('min_revenue', 0) AND order_date BETWEEN @start_ds AND @end_ds`);
    p.write('models/analytics/recent_big_report.sql', `MODEL (name analytics.recent_big_report, kind FULL, grain order_id);
SELECT b.order_id, b.revenue, r.note FROM analytics.recent_big AS b LEFT JOIN ext.notes AS r ON r.order_id = b.order_id`);
    p.write('tests/recent.yaml', `test_recent_big:
  model: analytics.recent_big_report
  vars: {min_revenue: 10, start: 2024-02-01, end: 2024-02-29}
  inputs:
    analytics.order_totals:
      - {order_id: 1, revenue: 5, order_date: 2024-02-10}
      - {order_id: 2, revenue: 50, order_date: 2024-02-29}
      - {order_id: 3, revenue: 99, order_date: 2024-03-01}
    ext.notes:
      rows: []
      columns: {order_id: INTEGER, note: VARCHAR}
  outputs:
    query:
      - {order_id: 2, revenue: 50}
`);
    const r = await cli(p, 'test', 'test_recent_big');
    expect(r.out).toContain('PASS test_recent_big');
    expect(r.code).toBe(0);
  });

  it('give a self-referencing model an empty table of its columns, or the rows the test gives for it', async () => {
    p.write('models/analytics/running.sql', `MODEL (name analytics.running, kind INCREMENTAL_BY_UNIQUE_KEY (unique_key order_id), columns (order_id INTEGER, seen INTEGER));
SELECT o.order_id, COALESCE((SELECT r.seen FROM analytics.running AS r WHERE r.order_id = o.order_id), 0) + 1 AS seen FROM analytics.order_totals AS o`);
    const test = (name: string, own: string, seen: number) => `${name}:
  model: analytics.running
  inputs:
    analytics.order_totals:
      - {order_id: 1}
${own}  outputs:
    query:
      - {order_id: 1, seen: ${seen}}
`;
    p.write('tests/running.yaml', test('test_first_run', '', 1) + test('test_later_run', '    analytics.running:\n      - {order_id: 1, seen: 4}\n', 5));
    const r = await cli(p, 'test', 'tests/running.yaml');
    expect(r.out).toContain('Ran 2 tests: 2 passed, 0 failed.');
    expect(r.code).toBe(0);
  });

  it("take an input given as SQLMesh's query:", async () => {
    p.write('tests/query_input.yaml', `test_query_input:
  model: analytics.running
  inputs:
    analytics.order_totals:
      query: SELECT 1 AS order_id UNION ALL SELECT 2
  outputs:
    query:
      - {order_id: 1, seen: 1}
      - {order_id: 2, seen: 1}
`);
    p.write('models/analytics/running.sql', `MODEL (name analytics.running, kind FULL, grain order_id);
SELECT o.order_id, 1 AS seen FROM analytics.order_totals AS o`);
    const r = await cli(p, 'test', 'tests/query_input.yaml');
    expect(r.out).toContain('Ran 1 test: 1 passed, 0 failed.');
    expect(r.code).toBe(0);
  });

  const bad: [string, string, RegExp][] = [
    ['an input with query and rows', 'test_x:\n  model: analytics.daily_revenue\n  inputs:\n    analytics.order_totals:\n      query: SELECT 1 AS a\n      rows: []\n  outputs:\n    query: []\n', /input analytics\.order_totals: 'query' gives the rows: 'rows' cannot be set beside it/],
    ['YAML that does not parse', 'test_x:\n  model: [unclosed\n', /^error: tests\/bad\.yaml:\d+:\d+: YAML does not parse/],
    ['an unknown model', 'test_x:\n  model: analytics.nope\n  outputs:\n    query: []\n', /^error: tests\/bad\.yaml:1: test test_x: unknown model 'analytics\.nope'/],
    ['a missing input', 'test_x:\n  model: analytics.daily_revenue\n  outputs:\n    query: []\n', /test test_x: no input rows for analytics\.order_totals, which analytics\.daily_revenue reads/],
    ['an unknown key', 'test_x:\n  model: analytics.daily_revenue\n  output:\n    query: []\n', /^error: tests\/bad\.yaml:3:3: test test_x: unknown key 'output'/],
    ['an unknown output', 'test_x:\n  model: analytics.daily_revenue\n  outputs:\n    query: []\n    cte: {}\n', /^error: tests\/bad\.yaml:3:3: test test_x: unknown key outputs\.cte \(known: query, ctes, partial\)/],
    ['a row that is not a map', 'test_x:\n  model: analytics.daily_revenue\n  inputs:\n    analytics.order_totals: [1, 2]\n  outputs:\n    query: []\n', /input analytics\.order_totals: row 1 must map column names to values/],
  ];
  for (const [what, text, message] of bad) {
    it(`report ${what} with the file and line, exit 2`, async () => {
      p.write('tests/bad.yaml', text);
      const r = await cli(p, 'test');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  }
});
