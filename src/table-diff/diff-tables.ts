import type { EngineAdapter, Row } from '../engine/engine-adapter.js';
import { InputError, PlannerError } from '../errors.js';
import { differentRowsSql, duplicateKeysSql, onlyInSql, rowDiffSql, sideCountsSql, type RowDiffQuery } from './row-diff-sql.js';
import { planComparison, type ComparePlan } from './schema-diff.js';
import {
  DEFAULT_DECIMALS,
  DEFAULT_SAMPLE_LIMIT,
  type DiffSamples,
  type DiffSide,
  type KeyStats,
  type RowDiff,
  type TableDiffOptions,
  type TableDiffResult,
} from './types.js';
import { validateWhere } from './where-clause.js';

const MAX_DECIMALS = 30;

/**
 * Compares two tables inside the engine: the schemas, then the rows joined on `options.on`.
 * Queries: one cheap count per side, one FULL OUTER JOIN for every row count, and only
 * when needed a GROUP BY for exact duplicate-key counts and the sample queries. Nothing
 * is read into Node but counts and sample rows.
 * @example await diffTables(engine, { label: 'dev', table: devTable }, { label: 'prod', table: prodTable }, { on: ['id'] })
 */
export async function diffTables(engine: EngineAdapter, a: DiffSide, b: DiffSide, options: TableDiffOptions): Promise<TableDiffResult> {
  const decimals = checkCount(options.decimals ?? DEFAULT_DECIMALS, '--decimals', MAX_DECIMALS);
  const limit = checkCount(options.limit ?? DEFAULT_SAMPLE_LIMIT, '--limit');
  const where = options.where === undefined ? null : await validateWhere(options.where, engine.dialect);
  const [aColumns, bColumns] = [await existingColumns(engine, a), await existingColumns(engine, b)];
  const plan = planComparison(a, aColumns, b, bColumns, { ...options, decimals });
  const query: RowDiffQuery = { dialect: engine.dialect, a: a.table, b: b.table, where, keys: plan.keys, columns: plan.columns, decimals, dropNullKeys: false, sources: { a: a.query, b: b.query } };

  const counts = await withWhereContext(where, () => first(engine, sideCountsSql(query)));
  const keys = {
    a: { rows: num(counts.a_rows), nullKeyRows: num(counts.a_null_keys), duplicateKeys: 0, duplicateRows: 0 },
    b: { rows: num(counts.b_rows), nullKeyRows: num(counts.b_null_keys), duplicateKeys: 0, duplicateRows: 0 },
  };
  query.dropNullKeys = keys.a.nullKeyRows + keys.b.nullKeyRows > 0;
  const allow = options.allowDuplicateKeys ?? false;

  let rows: RowDiff | null = null;
  let duplicatesPossible = true;
  if (!query.dropNullKeys || allow) {
    const raw = await first(engine, rowDiffSql(query));
    rows = toRowDiff(raw, plan);
    duplicatesPossible = hasDuplicates(raw, keys.a, keys.b);
  }
  if (duplicatesPossible) {
    const dup = await first(engine, duplicateKeysSql(query));
    Object.assign(keys.a, { duplicateKeys: num(dup.a_duplicate_keys), duplicateRows: num(dup.a_duplicate_rows) });
    Object.assign(keys.b, { duplicateKeys: num(dup.b_duplicate_keys), duplicateRows: num(dup.b_duplicate_rows) });
  }
  const refused = allow ? null : keyProblem(a, keys.a, b, keys.b);
  if (refused) rows = null;
  const samples = options.samples && rows && limit > 0 ? await fetchSamples(engine, query, plan, rows, limit) : null;
  return {
    a: { ...a, rows: keys.a.rows },
    b: { ...b, rows: keys.b.rows },
    on: plan.keys.map((k) => k.name),
    decimals,
    where,
    schema: plan.schema,
    keys,
    rows,
    refused,
    samples,
  };
}

/**
 * Whether some key occurs twice on a side, from the join's own counts. Each A row appears
 * once per matching B row (at least once), so `only_a + matched` exceeds A's rows exactly
 * when some B key that A also has repeats; a repeated key with no match shows as fewer
 * distinct keys than rows among the unmatched ones. Both directions together cover every case.
 */
function hasDuplicates(raw: Row, a: KeyStats, b: KeyStats): boolean {
  const matched = num(raw.matched);
  return (
    num(raw.only_a) + matched !== a.rows - a.nullKeyRows ||
    num(raw.only_b) + matched !== b.rows - b.nullKeyRows ||
    num(raw.only_a_keys) !== num(raw.only_a) ||
    num(raw.only_b_keys) !== num(raw.only_b)
  );
}

function keyProblem(a: DiffSide, ka: KeyStats, b: DiffSide, kb: KeyStats): string | null {
  const problems: string[] = [];
  for (const [side, k] of [[a, ka], [b, kb]] as const) {
    if (k.duplicateKeys) problems.push(`${side.label} has ${k.duplicateKeys} duplicate ${plural(k.duplicateKeys, 'key')} (${k.duplicateRows} rows)`);
    if (k.nullKeyRows) problems.push(`${side.label} has ${k.nullKeyRows} ${plural(k.nullKeyRows, 'row')} with a NULL key`);
  }
  return problems.length ? `the key does not identify rows: ${problems.join('; ')}` : null;
}

function toRowDiff(raw: Row, plan: ComparePlan): RowDiff {
  const matched = num(raw.matched);
  const identical = num(raw.identical);
  return {
    onlyInA: num(raw.only_a),
    onlyInB: num(raw.only_b),
    matched,
    identical,
    different: matched - identical,
    columns: plan.columns.map((c, i) => {
      const equal = num(raw[`eq_${i}`]);
      return { name: c.name, equal, different: matched - equal, rate: matched ? equal / matched : null, rounded: c.how === 'rounded' };
    }),
  };
}

async function fetchSamples(engine: EngineAdapter, query: RowDiffQuery, plan: ComparePlan, rows: RowDiff, limit: number): Promise<DiffSamples> {
  const samples: DiffSamples = { onlyInA: [], onlyInB: [], different: [] };
  if (rows.onlyInA) samples.onlyInA = (await engine.query(onlyInSql(query, 'a', plan.aColumns, limit))).rows;
  if (rows.onlyInB) samples.onlyInB = (await engine.query(onlyInSql(query, 'b', plan.bColumns, limit))).rows;
  if (rows.different && plan.columns.length) {
    const found = await engine.query(differentRowsSql(query, limit));
    samples.different = found.rows.map((r) => ({
      key: Object.fromEntries(plan.keys.map((k, i) => [k.name, r[`k_${i}`]])),
      a: Object.fromEntries(plan.columns.map((c, i) => [c.name, r[`a_${i}`]])),
      b: Object.fromEntries(plan.columns.map((c, i) => [c.name, r[`b_${i}`]])),
      differing: plan.columns.filter((_, i) => !r[`eq_${i}`]).map((c) => c.name),
    }));
  }
  return samples;
}

async function existingColumns(engine: EngineAdapter, side: DiffSide) {
  const columns = await engine.columns(side.table);
  if (!columns.length) {
    throw new InputError(`${side.label}: table ${side.table.schema}.${side.table.table} does not exist`, {
      code: 'missing_table',
      hint: 'was it dropped by the janitor, or never built? run `planner plan` for that environment',
    });
  }
  return side.typesFrom ? engine.columns(side.typesFrom) : columns;
}

/** The first query that reads with `--where` is where a bad column in it shows up: report that as bad input. */
async function withWhereContext<T>(where: string | null, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (where === null || !(err instanceof PlannerError)) throw err;
    throw new InputError(`--where cannot be applied: ${err.message}`, { code: 'invalid_where', hint: 'the expression must use columns both sides have' });
  }
}

async function first(engine: EngineAdapter, sql: string): Promise<Row> {
  return (await engine.query(sql)).rows[0];
}

/** Counts come back as number, bigint or (PostgreSQL) string. */
function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

function checkCount(value: number, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? '0 or more' : `from 0 to ${max}`;
    throw new InputError(`${what} must be a whole number ${range}, got ${value}`, { code: 'invalid_option' });
  }
  return value;
}

const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);
