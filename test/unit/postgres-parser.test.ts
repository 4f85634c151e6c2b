import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseByDialect } from '../../src/model/load-project.js';
import { analyzeQuery } from '../../src/model/query-analysis.js';
import { ROOT } from '../helpers/project.js';

const DIR = join(ROOT, 'bench/corpus/postgres');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();
const TEXTS = FILES.map((f) => readFileSync(join(DIR, f), 'utf8'));

async function analyzeAll(dialect: 'duckdb' | 'postgres') {
  const outcomes = await parseByDialect(TEXTS.map(() => dialect), TEXTS);
  return outcomes.map((o, i) => (o.ok ? analyzeQuery(o.tree, TEXTS[i]) : null));
}

describe("PostgreSQL's parser on the PostgreSQL corpus", () => {
  it('parses every query, and finds each table reference at the span where it is written', async () => {
    const analyses = await analyzeAll('postgres');
    analyses.forEach((a, i) => {
      expect(a, FILES[i]).not.toBeNull();
      expect(a!.references.length, FILES[i]).toBeGreaterThan(0);
      for (const ref of a!.references) expect(TEXTS[i].slice(ref.start, ref.end).toLowerCase(), FILES[i]).toBe([ref.schema, ref.table].filter(Boolean).join('.'));
    });
  });

  it('reads references, CTEs, output columns and row-changing projections as expected', async () => {
    const byFile = new Map((await analyzeAll('postgres')).map((a, i) => [FILES[i], a!]));
    const tables = (f: string) => byFile.get(f)!.references.map((r) => r.table);
    // jsonb `?` and `@>`, LATERAL set-returning functions: PostgreSQL-only syntax.
    expect(tables('events_jsonb.sql')).toEqual(['events']);
    expect(byFile.get('events_jsonb.sql')!.shape.columns).toEqual(['utm_source', 'device', 'events', 'users', 'total_value', 'mobile_events', 'distinct_items']);
    expect(byFile.get('events_jsonb.sql')!.shape.grouped).toBe(true);
    // A CTE is not a table: the MATERIALIZED one and the recursive one are left out.
    expect(tables('funnel_materialized_cte.sql')).toEqual(['events', 'subscriptions', 'customers']);
    expect(tables('org_chart_recursive.sql')).toEqual(['employees', 'employees']);
    expect(byFile.get('latest_order_distinct_on.sql')!.shape.distinct).toBe(true);
    expect(byFile.get('page_paths_unnest.sql')!.shape.columns).toEqual(['section', 'page_template', 'depth', 'segment', 'hits', 'users']);
  });

  it('agrees with DuckDB\'s parser on references and columns wherever both parse', async () => {
    const [pg, duck] = await Promise.all([analyzeAll('postgres'), analyzeAll('duckdb')]);
    let compared = 0;
    duck.forEach((d, i) => {
      if (!d) return;
      compared++;
      expect(pg[i]!.references.map(({ alias: _a, ...r }) => r), FILES[i]).toEqual(d.references.map(({ alias: _a, ...r }) => r));
      expect(pg[i]!.shape.columns, FILES[i]).toEqual(d.shape.columns);
      expect(pg[i]!.shape.grouped, FILES[i]).toBe(d.shape.grouped);
    });
    expect(compared).toBe(FILES.length - 1);
  });

  it('reports a syntax error with its character offset, and refuses two statements or a non-SELECT', async () => {
    const [bad, two, insert] = await parseByDialect(['postgres', 'postgres', 'postgres'], ['SELECT é, ) FROM t', 'SELECT 1; SELECT 2', 'INSERT INTO t VALUES (1)']);
    expect(bad).toMatchObject({ ok: false, offset: 10 });
    expect(two).toMatchObject({ ok: false, message: 'a model holds exactly one query, found 2' });
    expect(insert).toMatchObject({ ok: false, message: expect.stringContaining('only SELECT statements') });
  });
});
