import { sql, type Kysely } from 'kysely';
import { ConflictError } from '../errors.js';
import { mergeIntervals, subtractIntervals, type Interval } from '../intervals/interval.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { expectedColumns, LATEST_STATE_VERSION, MIGRATIONS } from './migrations/index.js';
import { decodeApprovalEvidence, decodeEnvironment, decodePhysical, decodeSnapshot, decodeSnapshotHead, snapshotHead, toNumber, type Row, type StateDatabase } from './state-database.js';
import { assertKnownStateVersion } from './state-guard.js';
import { builtKey, type ApprovalEvidence, type ApprovalRecord, type EnvironmentRecord, type PhysicalTableRecord, type PlanRecord, type SnapshotHead, type SnapshotRef, type StateIndex, type StateSchemaProblem, type StateStore } from './state-store.js';

const CHUNK = 2000;
/** `ids` in slices of at most CHUNK: one query each, within every engine's parameter limit. */
const chunks = (ids: readonly string[]) => Array.from({ length: Math.ceil(ids.length / CHUNK) }, (_, i) => ids.slice(i * CHUNK, (i + 1) * CHUNK));
/** Rows per multi-row INSERT: far below PostgreSQL's 65,535 parameters at five columns a row. */
const ROWS_PER_INSERT = 500;

/**
 * State in SQL tables of its own schema, through kysely: one implementation for every
 * engine. No method opens a transaction of its own (each write is one statement), so the
 * caller may wrap several in the engine's transaction when they share a connection.
 */
export class SqlStateStore implements StateStore {
  private readonly db: Kysely<StateDatabase>;

  /**
   * `singleWriter`: only this process writes state (DuckDB holds its file for one process),
   * so "insert unless present" needs no conflict handling, which costs DuckDB a millisecond
   * or more per row on the apply's hot path. With several writers (PostgreSQL) inserts use
   * ON CONFLICT DO NOTHING, which is race-safe.
   */
  constructor(root: Kysely<StateDatabase>, private readonly schema: string, private readonly singleWriter = false) {
    this.db = root.withSchema(schema);
  }

  async migrate(): Promise<void> {
    // Read afresh: another process may have migrated since this store last looked (the caller holds the migrate lock now).
    this.schemaRead = undefined;
    const current = assertKnownStateVersion(await this.schemaVersion());
    const pending = MIGRATIONS.filter((m) => m.version > current);
    if (!pending.length) return;
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(this.schema)}`.execute(this.db);
    await this.db.schema
      .createTable('schema_version')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    for (const m of pending) {
      await this.db.transaction().execute(async (tx) => {
        await m.up(tx);
        await tx.insertInto('schema_version').values({ version: m.version, name: m.name, applied_at: Date.now() }).execute();
      });
    }
    this.schemaRead = undefined;
  }

  /**
   * 0 when the state schema has no `schema_version` table yet (a fresh database); any
   * other failure (permissions, network) is an error, never taken for a fresh database.
   */
  async schemaVersion(): Promise<number> {
    return (await this.stateSchema()).version;
  }

  /**
   * The state's tables and columns, from the engine's catalog, and its recorded version:
   * read once per store (one command) and again after a migration. DuckDB reads its
   * whole catalog for a query of information_schema, which in a warehouse of thousands of
   * tables costs a no-op plan more than its own work; open, plan and apply each asked.
   */
  private stateSchema(): Promise<{ columns: Map<string, Set<string>>; version: number }> {
    if (!this.schemaRead) {
      const read = (async () => {
        let columns = await this.tableColumns();
        if (!columns.has('schema_version')) return { columns, version: 0 };
        const version = await this.recordedVersion();
        // Another process's migration may have committed between the two reads: its version then
        // names columns the first read missed. Read after the version, they are no older (migrations only add).
        if (schemaProblemsOf(this.schema, columns, version).length) columns = await this.tableColumns();
        return { columns, version };
      })();
      this.schemaRead = read;
      // A failed read is not kept: the next caller reads again.
      read.catch(() => {
        if (this.schemaRead === read) this.schemaRead = undefined;
      });
    }
    return this.schemaRead;
  }
  private schemaRead: Promise<{ columns: Map<string, Set<string>>; version: number }> | undefined;

  /** The highest version `schema_version` records (the table exists). */
  private async recordedVersion(): Promise<number> {
    const row = await this.db.selectFrom('schema_version').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    return row?.v == null ? 0 : toNumber(row.v, 'schema_version');
  }

  /** Every state table's columns (views too: a view in a table's place is seen and read), from the engine's catalog. */
  private async tableColumns(): Promise<Map<string, Set<string>>> {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ${this.schema}`.execute(this.db);
    const out = new Map<string, Set<string>>();
    for (const r of rows) out.set(r.table_name, (out.get(r.table_name) ?? new Set()).add(r.column_name));
    return out;
  }

  async schemaProblems(): Promise<StateSchemaProblem[]> {
    const { columns, version } = await this.stateSchema();
    return schemaProblemsOf(this.schema, columns, version);
  }


  async listProjects(): Promise<string[]> {
    const rows = await this.db.selectFrom('projects').select('name').orderBy('registered_at').orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  async registerProject(name: string, at: number): Promise<void> {
    await this.db.insertInto('projects').values({ name, registered_at: at }).onConflict((oc) => oc.column('name').doNothing()).execute();
  }

  async getEnvironment(name: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? decodeEnvironment(row) : undefined;
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    const rows = await this.db.selectFrom('environments').selectAll().orderBy('name').execute();
    return rows.map(decodeEnvironment);
  }

  async listPlans(environment: string): Promise<PlanRecord[]> {
    const rows = await this.db.selectFrom('plans').selectAll().where('environment', '=', environment).orderBy('applied_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, environment: r.environment, appliedAt: toNumber(r.applied_at, `plan ${r.id}`), summary: JSON.parse(r.summary) as Record<string, unknown> }));
  }

  async getSnapshots(ids: readonly string[]): Promise<Map<string, Snapshot>> {
    const out = new Map<string, Snapshot>();
    for (const chunk of chunks(ids)) {
      for (const r of await this.db.selectFrom('snapshots').select(['id', 'payload']).where('id', 'in', chunk).execute()) out.set(r.id, decodeSnapshot(r));
    }
    return out;
  }

  async getSnapshotHeads(ids: readonly string[]): Promise<Map<string, SnapshotHead>> {
    // The head column only: the payloads (model definitions) are neither read nor parsed.
    const out = new Map<string, SnapshotHead>();
    for (const chunk of chunks(ids)) {
      for (const r of await this.db.selectFrom('snapshots').select(['id', 'head']).where('id', 'in', chunk).execute()) out.set(r.id, decodeSnapshotHead(r));
    }
    return out;
  }

  async getBuiltTables(keys: readonly string[]): Promise<Map<string, PhysicalTableRecord>> {
    const out = new Map<string, PhysicalTableRecord>();
    for (const r of await this.rowsOfKeys('physical_tables', keys)) out.set(builtKey(r.name, r.version), decodePhysical(r));
    return out;
  }

  /** The rows of a `(name, version, ...)` table whose `name@version` is one of `keys`. */
  private async rowsOfKeys<T extends 'physical_tables' | 'intervals' | 'auto_restatements'>(table: T, keys: readonly string[]): Promise<(Row<T> & { name: string; version: string })[]> {
    const names = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('@'))))];
    const wanted = new Set(keys);
    const out: (Row<T> & { name: string; version: string })[] = [];
    for (const chunk of chunks(names)) {
      // One query shape for the three tables; kysely cannot type a table name chosen at run time.
      const rows = (await (this.db as unknown as Kysely<{ keyed: { name: string; version: string } }>)
        .selectFrom(table as unknown as 'keyed')
        .selectAll()
        .where('name', 'in', chunk)
        .execute()) as unknown as (Row<T> & { name: string; version: string })[];
      out.push(...rows.filter((r) => wanted.has(builtKey(r.name, r.version))));
    }
    return out;
  }

  async listSnapshotRefs(): Promise<SnapshotRef[]> {
    const rows = await this.db.selectFrom('snapshots').select(['id', 'name', 'version', 'created_at']).execute();
    return rows.map((r) => ({ id: r.id, name: r.name, version: r.version, createdAt: toNumber(r.created_at, `snapshot ${r.id}`) }));
  }

  /** See StateIndex: read through the same methods a plan reads through, so the values are theirs. */
  async stateIndex(): Promise<StateIndex> {
    const keysOf = async (table: 'intervals' | 'auto_restatements') =>
      (await this.db.selectFrom(table).select(['name', 'version']).distinct().execute()).map((r) => builtKey(r.name, r.version));
    return {
      snapshots: await this.listSnapshotRefs(),
      built: await this.listBuiltTables(),
      intervals: [...(await this.getIntervals(await keysOf('intervals')))],
      autoRestatements: [...(await this.getAutoRestatements(await keysOf('auto_restatements')))],
      environments: await this.listEnvironments(),
    };
  }

  async listBuiltTables(): Promise<PhysicalTableRecord[]> {
    return (await this.db.selectFrom('physical_tables').selectAll().execute()).map(decodePhysical);
  }

  async getIntervals(keys: readonly string[]): Promise<Map<string, Interval[]>> {
    const out = new Map<string, Interval[]>();
    for (const r of await this.rowsOfKeys('intervals', keys)) {
      const key = builtKey(r.name, r.version);
      const list = out.get(key) ?? [];
      list.push({ start: toNumber(r.start_ms, `intervals of ${key}`), end: toNumber(r.end_ms, `intervals of ${key}`) });
      out.set(key, list);
    }
    for (const [key, list] of out) out.set(key, mergeIntervals(list));
    return out;
  }

  /** `fresh`: the version's table was just built whole: its intervals replace all recorded ones. */
  async addIntervals(name: string, version: string, intervals: readonly Interval[], options: { fresh?: boolean } = {}): Promise<void> {
    const added = mergeIntervals(intervals);
    if (!added.length) return;
    if (options.fresh) return this.addFreshIntervals([{ name, version, intervals: added }]);
    // Rows touching the span are replaced by their union with the new ranges.
    const touching = await this.intervalRows(name, version, added[0].start, added[added.length - 1].end, true);
    await this.replaceIntervalRows(name, version, touching, mergeIntervals([...touching, ...added]));
  }

  async removeIntervals(name: string, version: string, intervals: readonly Interval[]): Promise<void> {
    const removed = mergeIntervals(intervals);
    if (!removed.length) return;
    const overlapping = await this.intervalRows(name, version, removed[0].start, removed[removed.length - 1].end, false);
    await this.replaceIntervalRows(name, version, overlapping, subtractIntervals(overlapping, removed));
  }

  async deleteIntervals(versions: readonly { name: string; version: string }[]): Promise<void> {
    for (const v of versions) {
      await this.db.deleteFrom('intervals').where('name', '=', v.name).where('version', '=', v.version).execute();
      await this.db.deleteFrom('auto_restatements').where('name', '=', v.name).where('version', '=', v.version).execute();
    }
  }

  async getAutoRestatements(keys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of await this.rowsOfKeys('auto_restatements', keys)) {
      const key = builtKey(r.name, r.version);
      out.set(key, toNumber(r.next_ms, `auto-restatement of ${key}`));
    }
    return out;
  }

  async setAutoRestatements(entries: readonly { name: string; version: string; nextMs: number }[]): Promise<void> {
    for (const e of entries) {
      await this.db
        .insertInto('auto_restatements')
        .values({ name: e.name, version: e.version, next_ms: e.nextMs })
        .onConflict((oc) => oc.columns(['name', 'version']).doUpdateSet({ next_ms: e.nextMs }))
        .execute();
    }
  }

  private async intervalRows(name: string, version: string, start: number, end: number, touching: boolean): Promise<Interval[]> {
    const rows = await this.db
      .selectFrom('intervals')
      .select(['start_ms', 'end_ms'])
      .where('name', '=', name)
      .where('version', '=', version)
      .where('start_ms', touching ? '<=' : '<', end)
      .where('end_ms', touching ? '>=' : '>', start)
      .execute();
    return rows.map((r) => ({ start: toNumber(r.start_ms, `intervals of ${name}@${version}`), end: toNumber(r.end_ms, `intervals of ${name}@${version}`) }));
  }

  private async replaceIntervalRows(name: string, version: string, old: readonly Interval[], next: readonly Interval[]): Promise<void> {
    if (old.length) {
      await this.db.deleteFrom('intervals').where('name', '=', name).where('version', '=', version).where('start_ms', 'in', old.map((i) => i.start)).execute();
    }
    if (next.length) {
      await this.db.insertInto('intervals').values(next.map((i) => ({ name, version, start_ms: i.start, end_ms: i.end }))).execute();
    }
  }

  async insertSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    for (let i = 0; i < snapshots.length; i += 500) {
      const values = snapshots.slice(i, i + 500).map((s) => ({
        id: s.id,
        name: s.name,
        version: s.version,
        payload: JSON.stringify(s),
        // Written with its payload, in the same statement: the one place a head is made.
        head: JSON.stringify(snapshotHead(s)),
        created_at: s.createdAt,
      }));
      await this.db.insertInto('snapshots').values(values).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  }

  async recordBuilt(t: PhysicalTableRecord): Promise<void> {
    const values = { name: t.name, version: t.version, schema_name: t.schema, table_name: t.table, built_at: t.builtAt };
    if (!this.singleWriter) {
      await this.db.insertInto('physical_tables').values(values).onConflict((oc) => oc.columns(['name', 'version']).doNothing()).execute();
      return;
    }
    await this.db
      .insertInto('physical_tables')
      .columns(['name', 'version', 'schema_name', 'table_name', 'built_at'])
      .expression(
        this.db
          .selectNoFrom((eb) => [eb.val(values.name).as('name'), eb.val(values.version).as('version'), eb.val(values.schema_name).as('schema_name'), eb.val(values.table_name).as('table_name'), eb.val(values.built_at).as('built_at')])
          .where((eb) => eb.not(eb.exists(eb.selectFrom('physical_tables').select('name').where('name', '=', values.name).where('version', '=', values.version)))),
      )
      .execute();
  }

  async recordBuiltTables(tables: readonly PhysicalTableRecord[]): Promise<void> {
    const keyed = new Map(tables.map((t) => [builtKey(t.name, t.version), t]));
    if (this.singleWriter) {
      // No other writer: what is recorded now stays so until we write, so one read tells
      // which rows to insert, without DuckDB's costly conflict handling.
      for (const key of (await this.getBuiltTables([...keyed.keys()])).keys()) keyed.delete(key);
    }
    const rows = [...keyed.values()].map((t) => ({ name: t.name, version: t.version, schema_name: t.schema, table_name: t.table, built_at: t.builtAt }));
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const insert = this.db.insertInto('physical_tables').values(rows.slice(i, i + ROWS_PER_INSERT));
      if (this.singleWriter) await insert.execute();
      else await insert.onConflict((oc) => oc.columns(['name', 'version']).doNothing()).execute();
    }
  }

  async addFreshIntervals(entries: readonly { name: string; version: string; intervals: readonly Interval[] }[]): Promise<void> {
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      const chunk = entries.slice(i, i + ROWS_PER_INSERT);
      // The versions' tables were just built whole: whatever was recorded for them no longer holds.
      await this.db
        .deleteFrom('intervals')
        .where((eb) => eb.or(chunk.map((e) => eb.and([eb('name', '=', e.name), eb('version', '=', e.version)]))))
        .execute();
      const rows = chunk.flatMap((e) => mergeIntervals(e.intervals).map((iv) => ({ name: e.name, version: e.version, start_ms: iv.start, end_ms: iv.end })));
      if (rows.length) await this.db.insertInto('intervals').values(rows).execute();
    }
  }

  async setEnvironment(env: EnvironmentRecord, expectedPlanId: string | null): Promise<void> {
    const values = {
      payload: JSON.stringify({ snapshots: env.snapshots, views: env.views, createdFrom: env.createdFrom, ...(env.layout ? { layout: env.layout } : {}), ...(env.masks && Object.keys(env.masks).length ? { masks: env.masks } : {}) }),
      plan_id: env.planId,
      previous_plan_id: env.previousPlanId,
      created_at: env.createdAt,
      updated_at: env.updatedAt,
      expires_at: env.expiresAt,
    };
    const changed =
      expectedPlanId === null
        ? await this.db
            .insertInto('environments')
            .values({ name: env.name, ...values })
            .onConflict((oc) => oc.column('name').doNothing())
            .returning('name')
            .execute()
        : await this.db
            .updateTable('environments')
            .set(values)
            .where('name', '=', env.name)
            .where('plan_id', '=', expectedPlanId)
            .returning('name')
            .execute();
    if (!changed.length) {
      throw new ConflictError(`environment '${env.name}' changed since this plan was made; plan is stale, plan again`, { code: 'stale_plan' });
    }
  }

  async recordPlan(plan: PlanRecord): Promise<void> {
    await this.db
      .insertInto('plans')
      .values({ id: plan.id, environment: plan.environment, applied_at: plan.appliedAt, summary: JSON.stringify(plan.summary) })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async recordApproval(a: ApprovalRecord): Promise<void> {
    const row = { plan_hash: a.planHash, approved_by: a.approvedBy, plan_id: a.planId, environment: a.environment, author: a.author, approved_at: a.approvedAt, comment: a.comment };
    await this.db
      .insertInto('approvals')
      .values(row)
      .onConflict((oc) => oc.columns(['plan_hash', 'approved_by']).doUpdateSet({ approved_at: a.approvedAt, comment: a.comment }))
      .execute();
  }

  async listApprovals(filter: { planHash?: string; environment?: string }): Promise<ApprovalRecord[]> {
    let q = this.db.selectFrom('approvals').selectAll();
    if (filter.planHash !== undefined) q = q.where('plan_hash', '=', filter.planHash);
    if (filter.environment !== undefined) q = q.where('environment', '=', filter.environment);
    const rows = await q.orderBy('approved_at').orderBy('approved_by').execute();
    return rows.map((r) => ({
      planHash: r.plan_hash,
      planId: r.plan_id,
      environment: r.environment,
      author: r.author,
      approvedBy: r.approved_by,
      approvedAt: toNumber(r.approved_at, `approval of ${r.plan_id}`),
      comment: r.comment ?? null,
    }));
  }

  async recordApprovalEvidence(e: ApprovalEvidence, at: number): Promise<void> {
    await this.db
      .insertInto('approval_evidence')
      .values({ plan_hash: e.planHash, plan_id: e.planId, summary: JSON.stringify(e), recorded_at: at })
      .onConflict((oc) => oc.column('plan_hash').doNothing())
      .execute();
  }

  async getApprovalEvidence(planHashes: readonly string[]): Promise<Map<string, ApprovalEvidence>> {
    const out = new Map<string, ApprovalEvidence>();
    for (const chunk of chunks(planHashes)) {
      for (const r of await this.db.selectFrom('approval_evidence').selectAll().where('plan_hash', 'in', chunk).execute()) out.set(r.plan_hash, decodeApprovalEvidence(r));
    }
    return out;
  }

  async deleteEnvironment(name: string, expectedPlanId: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('environments').where('name', '=', name).where('plan_id', '=', expectedPlanId).returning('name').execute();
    return deleted.length > 0;
  }

  async deleteBuiltTables(tables: readonly { name: string; version: string }[]): Promise<void> {
    for (const t of tables) {
      await this.db.deleteFrom('physical_tables').where('name', '=', t.name).where('version', '=', t.version).execute();
    }
  }

  async deleteSnapshots(ids: readonly string[]): Promise<void> {
    for (const chunk of chunks(ids)) await this.db.deleteFrom('snapshots').where('id', 'in', chunk).execute();
  }
}

/** The tables and columns state `version` has that `actual` lacks. */
function schemaProblemsOf(schema: string, actual: ReadonlyMap<string, ReadonlySet<string>>, version: number): StateSchemaProblem[] {
  const problems: StateSchemaProblem[] = [];
  for (const [table, columns] of expectedColumns(Math.min(version, LATEST_STATE_VERSION))) {
    const have = actual.get(table);
    const object = `${schema}.${table}`;
    if (!have) problems.push({ object, message: `state table ${object} is missing (state version ${version} has it)` });
    else for (const c of columns) if (!have.has(c)) problems.push({ object, message: `state table ${object} has no column ${c} (state version ${version} has it)` });
  }
  return problems;
}
