import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Context } from '../../src/context.js';
import { generateProject } from '../generate-project.js';

/**
 * Statements and round trips of a first apply on PostgreSQL, per model, by kind of
 * statement: `node dist-bench/bench/tools/count-statements.js [models]` (default 50).
 */
const n = Number(process.argv[2] ?? 50);
const admin = process.env.PLANNER_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const db = `planner_count_${process.pid}`;
const url = new URL(admin);
url.pathname = `/${db}`;
const counts = new Map<string, number>();
const spent = new Map<string, number>();
const original = pg.Client.prototype.query;
let total = 0;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  const key = text.replace(/\s+/g, ' ').trim().replace(/"[^"]*"/g, '"x"').replace(/'[^']*'/g, "'x'").slice(0, 70);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  total++;
  const t = performance.now();
  const out = (original as (...a: unknown[]) => unknown).apply(this, args);
  if (out instanceof Promise) void out.then(() => spent.set(key, (spent.get(key) ?? 0) + performance.now() - t), () => undefined);
  return out;
} as typeof pg.Client.prototype.query;

const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`CREATE DATABASE ${db}`);
const dir = mkdtempSync(join(tmpdir(), 'planner-count-'));
try {
  generateProject(dir, n, { seed: 3, rowsScale: 0.01, viewShare: 0.3, config: false });
  writeFileSync(join(dir, 'planner.config.ts'), `export default { gateways: { team: { type: 'postgres', url: ${JSON.stringify(url.toString())} } }, modelDefaults: { dialect: 'postgres' } };\n`);
  const ctx = await Context.open({ projectDir: dir });
  let before = 0;
  try {
    const plan = await ctx.plan('prod');
    before = total;
    counts.clear();
    spent.clear();
    const t = performance.now();
    await ctx.apply(plan);
    process.stdout.write(`apply: ${(performance.now() - t).toFixed(0)} ms, ${total - before} statements for ${plan.builds.length} builds (${((total - before) / plan.builds.length).toFixed(1)} per build)\n`);
  } finally {
    await ctx.close();
  }
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) process.stdout.write(`${String(v).padStart(6)} ${(spent.get(k) ?? 0).toFixed(0).padStart(6)} ms  ${k}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await c.end();
}
