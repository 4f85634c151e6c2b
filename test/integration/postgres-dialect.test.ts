import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseByDialect } from '../../src/model/load-project.js';
import { eachPgProject, PgTestDatabase, postgresConfig, postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';

const server = await postgresServer();

const EVENTS = `MODEL (name raw.events, kind FULL);
SELECT id, props::jsonb AS props
FROM (VALUES (1, '{"utm": "ads", "items": ["a", "b"]}'), (2, '{"utm": "ads", "device": "mobile", "items": ["x"]}'), (3, '{"utm": "mail", "items": ["c"]}'), (4, '{"items": ["d"]}')) AS v(id, props)
`;
// jsonb's ? and @> operators: PostgreSQL's grammar, which DuckDB's parser refuses.
const UTM_ITEMS = `MODEL (name analytics.utm_items, kind FULL);
SELECT e.props ->> 'utm' AS utm, count(*) AS items
FROM raw.events AS e
CROSS JOIN LATERAL jsonb_array_elements_text(e.props -> 'items') AS item(value)
WHERE e.props ? 'utm' AND NOT e.props @> '{"device": "mobile"}'::jsonb
GROUP BY 1
`;

function jsonbProject(db: PgTestDatabase): TempProject {
  const p = new TempProject(undefined, []);
  const files = { 'planner.config.ts': postgresConfig(db.envVar), 'models/raw/events.sql': EVENTS, 'models/analytics/utm_items.sql': UTM_ITEMS };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(p.path(file)), { recursive: true });
    p.write(file, text);
  }
  return p;
}

describe.skipIf(!server.available)(`a postgres-dialect project with PostgreSQL-only syntax${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  eachPgProject((d, q) => ((db = d), (p = q)), jsonbProject);

  it('plans and applies with PostgreSQL\'s parser, and categorizes its changes', async () => {
    const query = UTM_ITEMS.slice(UTM_ITEMS.indexOf('SELECT'));
    const [duck] = await parseByDialect(['duckdb'], [query]);
    expect(duck.ok).toBe(false);

    const first = await p.planAndApply('prod');
    expect(first.plan.added.sort()).toEqual(['analytics.utm_items', 'raw.events']);
    expect(first.plan.snapshots[first.plan.target['analytics.utm_items']].model.references.map((r) => `${r.schema}.${r.table}`)).toEqual(['raw.events']);
    expect(await db.query('SELECT utm, items::int AS items FROM analytics.utm_items ORDER BY utm')).toEqual([
      { utm: 'ads', items: 2 },
      { utm: 'mail', items: 1 },
    ]);

    // Formatting and keyword case change nothing; an added column is non-breaking.
    p.write('models/analytics/utm_items.sql', UTM_ITEMS.replace('SELECT e.props', 'select\n  e.props').replace('GROUP BY 1', 'group by 1 -- per source'));
    expect(await p.with((ctx) => ctx.plan('prod')).then((plan) => plan.directlyModified)).toEqual([]);
    p.write('models/analytics/utm_items.sql', UTM_ITEMS.replace('count(*) AS items', 'count(*) AS items, max(e.id) AS last_id'));
    const second = await p.planAndApply('prod');
    expect(second.plan.directlyModified).toEqual([{ name: 'analytics.utm_items', category: 'non-breaking' }]);
    expect(await db.query('SELECT utm, last_id FROM analytics.utm_items ORDER BY utm')).toEqual([
      { utm: 'ads', last_id: 1 },
      { utm: 'mail', last_id: 3 },
    ]);
  });
});
