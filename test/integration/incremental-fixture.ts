import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context, ContextOptions, PlanOptions } from '../../src/context.js';
import type { EngineAdapter } from '../../src/engine/engine-adapter.js';
import { afterEach, beforeEach } from 'vitest';
import { TempProject } from '../helpers/project.js';

/** An instant as epoch-ms clock for a context. */
export const at = (iso: string) => () => new Date(iso);

export const DAILY_EVENTS = `MODEL (
  name analytics.daily_events,
  kind INCREMENTAL_BY_TIME_RANGE (time_column event_date, batch_size 5),
  start '2024-01-01',
  cron '@daily'
);
SELECT
  CAST(e.event_ts AS DATE) AS event_date,
  e.event_type,
  COUNT(*) AS events
FROM landing.events AS e
WHERE e.event_ts BETWEEN @start_ts AND @end_ts
GROUP BY 1, 2
`;

export const EVENT_TOTALS = `MODEL (name analytics.event_totals, kind FULL, start '2024-01-01');
SELECT event_type, SUM(events) AS events, COUNT(*) AS day_rows
FROM analytics.daily_events
GROUP BY event_type
`;

export const USER_LAST_SEEN = `MODEL (
  name analytics.user_last_seen,
  kind INCREMENTAL_BY_UNIQUE_KEY (unique_key user_id),
  start '2024-01-01'
);
SELECT user_id, MAX(event_ts) AS last_seen, COUNT(*) AS events_that_day
FROM landing.events
WHERE event_ts BETWEEN @start_ts AND @end_ts
GROUP BY user_id
`;

/** Day `d` of January 2024 has d + 2 events, alternating click and view, users 1..3. */
export function landingRows(days: number[]): string[] {
  const rows: string[] = [];
  for (const d of days) {
    for (let i = 0; i < d + 2; i++) {
      const id = d * 100 + i;
      const ts = `2024-01-${String(d).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:15:00`;
      rows.push(`(${id}, ${(i % 3) + 1}, '${i % 2 ? 'view' : 'click'}', TIMESTAMP '${ts}')`);
    }
  }
  return rows;
}

/** Expected event count of one day and type, as `landingRows` makes them. */
export function expectedEvents(d: number, type: 'click' | 'view'): number {
  const n = d + 2;
  return type === 'click' ? Math.ceil(n / 2) : Math.floor(n / 2);
}

export async function createLanding(engine: EngineAdapter, days: number[]): Promise<void> {
  await engine.execute('CREATE SCHEMA IF NOT EXISTS landing');
  await engine.execute('CREATE TABLE landing.events (event_id INTEGER, user_id INTEGER, event_type VARCHAR, event_ts TIMESTAMP)');
  await appendLanding(engine, days);
}

export async function appendLanding(engine: EngineAdapter, days: number[]): Promise<void> {
  await engine.execute(`INSERT INTO landing.events VALUES ${landingRows(days).join(', ')}`);
}

/** The event-stream project: landing.events -> daily_events (by time range) -> event_totals (FULL), plus user_last_seen (by key). */
export class IncrementalProject extends TempProject {
  constructor(config: string) {
    super(process.cwd(), []);
    this.put('planner.config.ts', config);
    this.put('models/analytics/daily_events.sql', DAILY_EVENTS);
    this.put('models/analytics/event_totals.sql', EVENT_TOTALS);
    this.put('models/analytics/user_last_seen.sql', USER_LAST_SEEN);
  }

  put(rel: string, text: string): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    this.write(rel, text);
  }

  /** Opens a context whose clock reads `now`, runs `fn`, closes it. */
  at<T>(now: string, fn: (ctx: Context) => Promise<T>, options: Partial<ContextOptions> = {}): Promise<T> {
    return this.with(fn, { now: at(now), ...options });
  }

  planApply(now: string, environment = 'prod', options: PlanOptions = {}) {
    return this.at(now, async (ctx) => {
      const plan = await ctx.plan(environment, options);
      const result = await ctx.apply(plan);
      return { plan, result };
    });
  }

  rows(now: string, sql: string) {
    return this.at(now, async (ctx) => (await ctx.engine.query(sql)).rows);
  }
}

export const DUCKDB_CONFIG = `export default {
  gateways: { local: { type: 'duckdb', path: 'warehouse.duckdb' } },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
};
`;

/** Around each test: the event-stream project on DuckDB, January 1-14 landed, prod applied at `now`. */
export function eachAppliedProject(now: string, use: (p: IncrementalProject) => void): void {
  let p: IncrementalProject | undefined;
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at(now, (ctx) => createLanding(ctx.engine, Array.from({ length: 14 }, (_, i) => i + 1)));
    await p.planApply(now);
    use(p);
  });
  afterEach(() => p?.remove());
}
