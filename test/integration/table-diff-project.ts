import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TempProject } from '../helpers/project.js';

const STATUSES = ['completed', 'cancelled', 'pending'];

/** 120 orders: every third one cancelled. */
function ordersCsv(): string {
  const lines = ['order_id,customer_id,status,amount,order_date'];
  for (let id = 1; id <= 120; id++) {
    const day = String(1 + (id % 28)).padStart(2, '0');
    lines.push(`${id},${1 + (id % 17)},${STATUSES[id % 3]},${(id * 3.25).toFixed(2)},2024-01-${day}`);
  }
  return `${lines.join('\n')}\n`;
}

const FILES: Record<string, string> = {
  'planner.config.ts': `export default {
  gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
};
`,
  'seeds/orders.csv': ordersCsv(),
  'models/raw/orders.sql': `MODEL (name raw.orders, kind SEED (path '../../seeds/orders.csv'), grain order_id);\n`,
  'models/analytics/order_totals.sql': `MODEL (
  name analytics.order_totals,
  kind FULL,
  grain order_id
);

SELECT
  order_id,
  customer_id,
  status,
  CAST(amount AS DOUBLE) AS amount,
  CAST(amount AS DOUBLE) * 1.1 AS amount_with_tax
FROM raw.orders
`,
  'models/analytics/customer_totals.sql': `MODEL (
  name analytics.customer_totals,
  kind FULL,
  grain customer_id
);

SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS total
FROM analytics.order_totals
GROUP BY customer_id
`,
  'models/analytics/statuses.sql': `MODEL (
  name analytics.statuses,
  kind VIEW
);

SELECT DISTINCT status FROM analytics.order_totals
`,
};

/**
 * A small project of its own for table-diff tests (a seed, two FULL models with a grain,
 * a VIEW without one), so they do not depend on the demo project as it evolves.
 */
export function tableDiffProject(): TempProject {
  const src = mkdtempSync(join(tmpdir(), 'planner-diff-src-'));
  try {
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), text);
    }
    return new TempProject(src, ['planner.config.ts', 'seeds', 'models']);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

/** The dev change the tests diff: cancelled orders lose their amount, and order 3 is gone. */
export function changeOrderTotals(p: TempProject): void {
  p.edit('models/analytics/order_totals.sql', '  CAST(amount AS DOUBLE) AS amount,', "  CASE WHEN status = 'cancelled' THEN 0 ELSE CAST(amount AS DOUBLE) END AS amount,");
  p.edit('models/analytics/order_totals.sql', 'FROM raw.orders\n', 'FROM raw.orders\nWHERE order_id <> 3\n');
}
