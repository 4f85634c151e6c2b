import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// An INTEGER key, a NUMERIC(12, 2) amount and a text column, hashed.
const MASKING = `{ 'raw.customers.id': 'hash', 'raw.customers.email': 'hash', 'raw.order_items.unit_price': 'hash' }`;

// New in dev_x: children that cast the hashed numbers and compute with them.
const IDS = 'MODEL (name analytics.customer_ids, kind FULL, grain id);\n\nSELECT id, CAST(id AS BIGINT) * 2 AS doubled, email FROM raw.customers;\n';
const PRICES = 'MODEL (name analytics.item_prices, kind FULL, grain (order_id, product_id));\n\nSELECT order_id, product_id, CAST(unit_price AS NUMERIC(14, 2)) + 1 AS price_plus_one FROM raw.order_items;\n';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** What the hash mask of an INTEGER reads: the first 7 hex digits of the md5 of its text. */
const hashedInteger = (v: unknown) => parseInt(md5(String(v)).slice(0, 7), 16);
/** Of a NUMERIC(12, 2): the first 15 hex digits, modulo 10^12, in hundredths. */
const hashedAmount = (text: string) => Number(BigInt(`0x${md5(text).slice(0, 15)}`) % 10n ** 12n) / 100;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`the hash mask of a numeric column on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    const physicalOf = async (env: string, model: string) => {
      const record = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = '${env}'`))[0].payload));
      const snapshot = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${record.snapshots[model]}'`))[0].payload));
      return `"${snapshot.physical.schema}"."${snapshot.physical.table}"`;
    };
    const typeOf = async (schema: string, table: string, column: string) =>
      String((await e.sql(`SELECT data_type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' AND column_name = '${column}'`))[0].data_type).toLowerCase();
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
    });
    afterEach(() => e.cleanup());

    it('reads as a number of the column\'s type derived from the hash, so children that cast it build; text columns keep the md5', async () => {
      e.project.write('models/analytics/customer_ids.sql', IDS);
      e.project.write('models/analytics/item_prices.sql', PRICES);
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);

      const real = await e.sql('SELECT id, email FROM raw.customers ORDER BY id');
      const view = await e.sql('SELECT id, email FROM raw__dev_x.customers');
      // Same type as prod's column, every value the hash's number, the text column its md5 as before.
      expect(await typeOf('raw__dev_x', 'customers', 'id')).toBe(await typeOf('raw', 'customers', 'id'));
      const sorted = (rows: { id: number; email: string }[]) => rows.sort((a, b) => a.id - b.id);
      expect(sorted(view.map((r) => ({ id: Number(r.id), email: String(r.email) })))).toEqual(sorted(real.map((r) => ({ id: hashedInteger(r.id), email: md5(String(r.email)) }))));

      const ids = await e.sql(`SELECT id, doubled, email FROM ${await physicalOf('dev_x', 'analytics.customer_ids')}`);
      expect(ids.length).toBe(real.length);
      expect(ids.every((r) => Number(r.doubled) === 2 * Number(r.id) && /^[0-9a-f]{32}$/.test(String(r.email)))).toBe(true);
      expect(ids.map((r) => Number(r.id)).sort()).toEqual(real.map((r) => hashedInteger(r.id)).sort());

      const prices = await e.sql('SELECT order_id, product_id, CAST(unit_price AS VARCHAR) AS price FROM raw.order_items ORDER BY order_id, product_id');
      const built = await e.sql(`SELECT order_id, product_id, price_plus_one FROM ${await physicalOf('dev_x', 'analytics.item_prices')} ORDER BY order_id, product_id`);
      expect(built.map((r) => Number(r.price_plus_one))).toEqual(prices.map((r) => Math.round((hashedAmount(String(r.price)) + 1) * 100) / 100));
      expect(await typeOf('raw__dev_x', 'order_items', 'unit_price')).toBe(await typeOf('raw', 'order_items', 'unit_price'));
      // Prod reads the real values.
      expect(String((await e.sql('SELECT email FROM raw.customers LIMIT 1'))[0].email)).toContain('@');
    });
  });
}
