// Synthetic planner projects for the benchmarks: a layered DAG of SQL models.
//
//   generateProject(dir, 1000, { seed: 7 })  writes dir/models/s<layer>/model_<index>.sql and dir/planner.config.ts
//   editModel(dir, 's3.model_00042')         makes a breaking change to that model (a filter constant)
//
// Layer 0 (schema s0, about 5% of the models) are FULL models over generate_series; layers 1..5
// (schemas s1..s5) read 1 to 3 models of earlier layers, with joins, aggregates, CASE, COALESCE,
// window functions, CTEs and WHERE filters. Every model outputs at least id, k and amount, and
// id is unique in every model (its grain), so that children can join on it without fan-out.
// The SQL is plain enough to run on DuckDB and on PostgreSQL.
// Same (n, seed) gives the same files, byte for byte. Only node built-ins are used.

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GenerateOptions {
  /** PRNG seed; the same seed and n give the same project. Default 1. */
  seed?: number;
  /** Write dir/planner.config.ts (a local DuckDB gateway). Default true. */
  config?: boolean;
  /** Multiplies the rows of the source models (500 to 5,000 each by default); 0.01 gives a few rows each. */
  rowsScale?: number;
  /** Share of the non-source models written as VIEW instead of FULL (default 0: all FULL). */
  viewShare?: number;
}

export interface GeneratedProject {
  /** Number of model files written. */
  models: number;
  /** Model names (schema.table), in topological order (parents before children). */
  names: string[];
}

const LAYERS = 5;
/** Share of the non-source models in layers 1..5. */
const LAYER_WEIGHTS = [30, 25, 20, 15, 10];
const OWNERS = ['team_a', 'team_b', 'team_c', 'team_d', 'team_e'];

export const CONFIG_SOURCE =
  "export default { gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } }, defaultGateway: 'local' };\n";

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Model {
  index: number;
  layer: number;
  name: string; // s3.model_00042
  table: string; // model_00042
  parents: string[];
  query: string;
}

function layerSizes(n: number): number[] {
  const sources = Math.min(n, Math.max(1, Math.round(n * 0.05)));
  const rest = n - sources;
  const total = LAYER_WEIGHTS.reduce((s, w) => s + w, 0);
  const sizes = LAYER_WEIGHTS.map((w) => Math.floor((rest * w) / total));
  let left = rest - sizes.reduce((s, x) => s + x, 0);
  for (let i = 0; left > 0; i = (i + 1) % LAYERS, left--) sizes[i] = (sizes[i] ?? 0) + 1;
  return [sources, ...sizes];
}

const ALIASES = ['a', 'b', 'c'];

function sourceQuery(r: Rand, scale: number): string {
  const rows = Math.max(1, Math.round(r.pick([500, 1000, 2000, 5000]) * scale));
  const mod = r.int(7, 13);
  const keep = r.int(0, mod - 1);
  const price = r.pick(['1.5', '0.75', '2.25', '3.1']);
  return [
    'SELECT',
    '  i AS id,',
    '  i % 7 AS k,',
    `  i * ${price} AS amount,`,
    `  CASE WHEN i % 3 = 0 THEN 'web' WHEN i % 3 = 1 THEN 'store' ELSE 'partner' END AS channel`,
    `FROM generate_series(0, ${rows - 1}) AS t(i)`,
    `WHERE i % ${mod} <> ${keep}`,
  ].join('\n');
}

/** Query templates over one parent; `p` is the parent's name. */
function singleParentQuery(r: Rand, p: string): string {
  const t = r.int(0, 4);
  const c = r.int(1, 20);
  switch (t) {
    case 0: // filter + CASE
      return [
        'SELECT',
        '  a.id,',
        '  a.k,',
        `  CASE WHEN a.amount > ${r.int(100, 900)} THEN a.amount * 0.9 ELSE a.amount END AS amount,`,
        "  CASE WHEN a.k % 2 = 0 THEN 'even' ELSE 'odd' END AS parity",
        `FROM ${p} AS a`,
        `WHERE a.amount >= ${c} AND a.k <> ${r.int(0, 6)}`,
      ].join('\n');
    case 1: {
      // aggregate to a coarser grain
      const m = r.pick([100, 250, 400, 500]);
      return [
        'SELECT',
        '  g.id,',
        '  g.id % 7 AS k,',
        '  g.amount,',
        '  g.n_rows,',
        '  g.max_amount',
        'FROM (',
        '  SELECT',
        `    a.id % ${m} AS id,`,
        '    SUM(a.amount) AS amount,',
        '    COUNT(*) AS n_rows,',
        '    MAX(a.amount) AS max_amount',
        `  FROM ${p} AS a`,
        `  WHERE a.amount > ${c}`,
        `  GROUP BY a.id % ${m}`,
        ') AS g',
      ].join('\n');
    }
    case 2: // window functions
      return [
        'SELECT',
        '  w.id,',
        '  w.k,',
        '  w.amount,',
        '  w.running_amount,',
        '  w.rn,',
        '  w.amount_rank',
        'FROM (',
        '  SELECT',
        '    a.id,',
        '    a.k,',
        '    a.amount,',
        '    SUM(a.amount) OVER (PARTITION BY a.k ORDER BY a.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_amount,',
        '    ROW_NUMBER() OVER (PARTITION BY a.k ORDER BY a.id) AS rn,',
        '    RANK() OVER (ORDER BY a.amount DESC) AS amount_rank',
        `  FROM ${p} AS a`,
        ') AS w',
        `WHERE w.rn <= ${r.int(60, 400)}`,
      ].join('\n');
    case 3: // CTEs: per-k statistics joined back
      return [
        'WITH base AS (',
        '  SELECT a.id, a.k, a.amount',
        `  FROM ${p} AS a`,
        `  WHERE a.amount > ${c}`,
        '), stats AS (',
        '  SELECT k, AVG(amount) AS avg_amount, COUNT(*) AS n',
        '  FROM base',
        '  GROUP BY k',
        ')',
        'SELECT',
        '  base.id,',
        '  base.k,',
        '  base.amount,',
        '  base.amount - stats.avg_amount AS deviation,',
        '  stats.avg_amount,',
        '  stats.n AS k_rows',
        'FROM base',
        'JOIN stats ON base.k = stats.k',
      ].join('\n');
    default: // moving average with LAG and COALESCE
      return [
        'SELECT',
        '  a.id,',
        `  (a.k + ${r.int(1, 6)}) % 7 AS k,`,
        '  (a.amount + COALESCE(LAG(a.amount) OVER (ORDER BY a.id), a.amount)) / 2 AS amount,',
        '  a.amount - LAG(a.amount) OVER (ORDER BY a.id) AS delta,',
        '  LEAD(a.id) OVER (ORDER BY a.id) AS next_id',
        `FROM ${p} AS a`,
        `WHERE a.id % ${r.int(5, 20)} <> 0`,
      ].join('\n');
  }
}

/** Query templates over two or three parents. */
function multiParentQuery(r: Rand, parents: string[]): string {
  const aliases = parents.map((_, i) => ALIASES[i] ?? `p${i}`);
  const others = aliases.slice(1);
  const from = (kind: 'JOIN' | 'LEFT JOIN'): string[] => [
    `FROM ${parents[0]} AS a`,
    ...parents.slice(1).map((p, i) => `${kind} ${p} AS ${others[i]} ON a.id = ${others[i]}.id`),
  ];
  const t = r.int(0, 3);
  const c = r.int(1, 20);
  switch (t) {
    case 0: // left joins with COALESCE
      return [
        'SELECT',
        '  a.id,',
        '  a.k,',
        `  a.amount + ${others.map((o) => `COALESCE(${o}.amount, 0)`).join(' + ')} AS amount,`,
        `  CASE WHEN ${others.map((o) => `${o}.id IS NULL`).join(' OR ')} THEN 'partial' ELSE 'complete' END AS coverage`,
        ...from('LEFT JOIN'),
        `WHERE a.amount > ${c}`,
      ].join('\n');
    case 1: // inner join + aggregate at the same grain
      return [
        'SELECT',
        '  a.id,',
        '  MAX(a.k) AS k,',
        `  SUM(${others.map((o) => `${o}.amount`).join(' + ')}) AS amount,`,
        '  COUNT(*) AS matches',
        ...from('JOIN'),
        `WHERE a.k <> ${r.int(0, 6)} AND ${others[0]}.amount >= ${c}`,
        'GROUP BY a.id',
      ].join('\n');
    case 2: // union of the parents, deduplicated by id
      return [
        'SELECT',
        '  u.id,',
        '  MIN(u.k) AS k,',
        '  SUM(u.amount) AS amount,',
        '  COUNT(DISTINCT u.src) AS sources',
        'FROM (',
        parents
          .map((p, i) => `  SELECT id, k, amount, ${i + 1} AS src FROM ${p}`)
          .join('\n  UNION ALL\n'),
        ') AS u',
        `WHERE u.amount > ${c}`,
        'GROUP BY u.id',
      ].join('\n');
    default: // CTE over a join, ranked by a window function
      return [
        'WITH joined AS (',
        '  SELECT',
        '    a.id,',
        '    a.k,',
        `    CASE WHEN a.k < 3 THEN a.amount ELSE ${others.map((o) => `COALESCE(${o}.amount, a.amount)`).join(' + ')} END AS amount`,
        ...from('LEFT JOIN').map((l) => `  ${l}`),
        `  WHERE a.amount >= ${c}`,
        ')',
        'SELECT',
        '  id,',
        '  k,',
        '  amount,',
        '  RANK() OVER (PARTITION BY k ORDER BY amount DESC) AS amount_rank',
        'FROM joined',
      ].join('\n');
  }
}

function header(m: Model, owner: string, kind: 'FULL' | 'VIEW'): string {
  return ['MODEL (', `  name ${m.name},`, `  kind ${kind},`, `  owner ${owner},`, '  grain id', ');', ''].join('\n');
}

function plan(n: number, seed: number, scale: number): { models: Model[]; owners: string[] } {
  const r = new Rand(seed);
  const sizes = layerSizes(n);
  const byLayer: Model[][] = [];
  const models: Model[] = [];
  const owners: string[] = [];
  const width = Math.max(5, String(n - 1).length);
  let index = 0;
  sizes.forEach((size, layer) => {
    const here: Model[] = [];
    const earlier = byLayer.flat();
    const previous = [...byLayer].reverse().find((l) => l.length > 0) ?? earlier;
    for (let j = 0; j < size; j++, index++) {
      const table = `model_${String(index).padStart(width, '0')}`;
      const name = `s${layer}.${table}`;
      let parents: string[] = [];
      let query: string;
      if (layer === 0) {
        query = sourceQuery(r, scale);
      } else {
        const count = Math.min(earlier.length, r.pick([1, 1, 2, 2, 3]));
        const chosen = new Set<string>([r.pick(previous).name]);
        for (let tries = 0; chosen.size < count && tries < 20; tries++) chosen.add(r.pick(earlier).name);
        parents = [...chosen];
        query = parents.length === 1 ? singleParentQuery(r, parents[0] ?? '') : multiParentQuery(r, parents);
      }
      const m: Model = { index, layer, name, table, parents, query };
      here.push(m);
      models.push(m);
      owners.push(r.pick(OWNERS));
    }
    byLayer.push(here);
  });
  return { models, owners };
}

/**
 * Writes a synthetic project of n models into dir (dir/models is replaced) and, unless
 * opts.config is false, dir/planner.config.ts.
 */
export function generateProject(dir: string, n: number, opts: GenerateOptions = {}): GeneratedProject {
  if (!Number.isInteger(n) || n < 1) throw new Error(`generateProject: n must be a positive integer, got ${n}`);
  const { models, owners } = plan(n, opts.seed ?? 1, opts.rowsScale ?? 1);
  const modelsDir = join(dir, 'models');
  rmSync(modelsDir, { recursive: true, force: true });
  for (let layer = 0; layer <= LAYERS; layer++) {
    if (models.some((m) => m.layer === layer)) mkdirSync(join(modelsDir, `s${layer}`), { recursive: true });
  }
  // A PRNG of its own, so projects without views stay byte for byte what they were.
  const kinds = new Rand((opts.seed ?? 1) + 7919);
  models.forEach((m, i) => {
    const kind = m.layer > 0 && opts.viewShare && kinds.chance(opts.viewShare) ? 'VIEW' : 'FULL';
    const text = `${header(m, owners[i] ?? 'team_a', kind)}\n${m.query}\n`;
    writeFileSync(join(modelsDir, `s${m.layer}`, `${m.table}.sql`), text);
  });
  if (opts.config !== false) writeFileSync(join(dir, 'planner.config.ts'), CONFIG_SOURCE);
  return { models: models.length, names: models.map((m) => m.name) };
}

function modelFile(dir: string, name: string): string {
  const dot = name.indexOf('.');
  const modelsDir = join(dir, 'models');
  if (dot >= 0) {
    const file = join(modelsDir, name.slice(0, dot), `${name.slice(dot + 1)}.sql`);
    if (existsSync(file)) return file;
  } else if (existsSync(modelsDir)) {
    for (const sub of readdirSync(modelsDir).sort()) {
      const file = join(modelsDir, sub, `${name}.sql`);
      if (existsSync(file)) return file;
    }
  }
  throw new Error(`editModel: no model ${name} under ${modelsDir}`);
}

/**
 * Makes a breaking change to one model: the first number in the query's first WHERE line
 * (a filter constant) goes up by one. Returns the edited file and the old and new line.
 */
export function editModel(dir: string, name: string): { path: string; before: string; after: string } {
  const path = modelFile(dir, name);
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const bodyStart = lines.findIndex((l) => l.startsWith(');')) + 1;
  const number = /(?<![\w.])(\d+)(?:\.\d+)?(?![\w.])/;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!/\bWHERE\b/i.test(line)) continue;
    const match = number.exec(line.slice(line.search(/\bWHERE\b/i)));
    if (!match) continue;
    const at = line.search(/\bWHERE\b/i) + match.index;
    const old = match[0];
    const bumped = String(Number(old) + 1);
    const after = line.slice(0, at) + bumped + line.slice(at + old.length);
    lines[i] = after;
    writeFileSync(path, lines.join('\n'));
    return { path, before: line, after };
  }
  throw new Error(`editModel: ${path} has no WHERE filter with a constant to change`);
}
