import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { GatewayConfig } from '../config/types.js';
import { hashOf } from '../util/hash.js';
import { plannerVersion } from '../util/package-version.js';
import { stableStringify } from '../util/stable-json.js';
import { LATEST_STATE_VERSION } from './migrations/latest.js';
import { indexParts, type RecordedReads } from './recorded-reads.js';
import { KeptSnapshots } from './kept-snapshots.js';
import type { StateIndex } from './state-store.js';

/** The most a recording keeps of earlier plans' reads (a no-op plan of 10,000 models reads about 8 MB). */
const MAX_BYTES = 64 * 2 ** 20;

/** Bumped whenever what a recording holds, or how it is keyed, changes. */
const FORMAT = 'plan-reads-4';

/** The identity of the warehouse file as stat gives it, to the nanosecond. */
interface Stamp {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

interface Stored {
  format: string;
  key: string;
  stamp: Stamp;
  reads: RecordedReads;
}

function stampOf(s: BigIntStats): Stamp {
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

const sameStamp = (a: Stamp, b: Stamp) => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/**
 * A hash of the compiled code that reads state and the catalog (state/, and the DuckDB
 * engine's catalog reads): what a recorded result was decoded by. Read once per process.
 */
function stateCode(): string {
  if (code === undefined) {
    const here = fileURLToPath(import.meta.url);
    const src = dirname(dirname(here));
    const ext = extname(here);
    const files = [...readdirSync(dirname(here)).filter((f) => f.endsWith(ext)).sort().map((f) => join('state', f)), join('engine', 'duckdb', `adapter${ext}`)];
    code = hashOf(...files.flatMap((f) => [f, readFileSync(join(src, f), 'utf8')]));
  }
  return code;
}
let code: string | undefined;

function statOrUndefined(path: string): BigIntStats | undefined {
  return statSync(path, { bigint: true, throwIfNoEntry: false });
}

/**
 * The reads of the last plan that only read a DuckDB warehouse, kept in
 * `.planner/cache/` so that the next plan can skip opening the warehouse (DuckDB reads
 * its whole catalog at open: most of a no-op plan's time). A recording is used only while
 * the warehouse file is exactly as it was when the recording was written:
 *
 * - it is written while the plan still holds the warehouse (DuckDB locks the file: no
 *   other process writes it meanwhile), after a CHECKPOINT, with the file's stat (device,
 *   inode, size, modification and change times in ns) and no write-ahead log beside it;
 * - it is used only if the file's stat is the same, no write-ahead log exists (a commit
 *   not yet checkpointed), and the warehouse's modification time is strictly older than
 *   the recording's own. Any later write to the warehouse gets a modification time at
 *   least the recording's, so it can never leave the stat as recorded, even where the
 *   file system's clock is coarser than a write; a recording as old as the warehouse is
 *   not trusted, and simply not used; nor is one on another file system than the
 *   warehouse (another clock, or a coarser one): such a project plans against the warehouse;
 * - it is keyed by planner's version and the code that reads state (a rebuild of the same
 *   version that decodes state otherwise misses), the state version it knows, the state
 *   schema, the project, its sharedState and the gateway: any difference is a miss.
 *
 * A miss of any kind (no file, another key, a changed warehouse, a read the plan makes
 * that was not recorded) plans against the warehouse as before; deleting the file changes
 * nothing but time. Only a local DuckDB file that also holds state qualifies.
 */
export class PlanReadsCache {
  private constructor(
    private readonly file: string,
    private readonly warehouse: string,
    /** What the key holds besides the code's hash, which is read only when a recording is (an eager context never needs it). */
    private readonly keyParts: Record<string, unknown>,
  ) {}

  /** The cache for this gateway, or undefined when its state is not in one local DuckDB file. */
  static for(projectDir: string, gatewayName: string, gateway: GatewayConfig, key: { stateSchema: string; project: string; sharedState: boolean | readonly string[] }): PlanReadsCache | undefined {
    if (gateway.type !== 'duckdb' || gateway.state) return undefined;
    const path = gateway.path ?? '.planner/warehouse.duckdb';
    if (path === ':memory:') return undefined;
    const warehouse = resolve(projectDir, path);
    return new PlanReadsCache(join(projectDir, '.planner', 'cache', 'plan-reads.cache'), warehouse, { format: FORMAT, stateVersion: LATEST_STATE_VERSION, warehouse, gatewayName, ...key });
  }

  private get key(): string {
    this.keyText ??= stableStringify({ ...this.keyParts, planner: plannerVersion(), code: stateCode() });
    return this.keyText;
  }
  private keyText?: string;

  /**
   * The recorded reads, if a recording for this key exists and the warehouse is unchanged
   * since; with `unchanged`, to ask again later (an apply of the plan they gave asks once it
   * holds the warehouse: another process may have written it in between).
   */
  load(): { reads: RecordedReads; unchanged: () => boolean } | undefined {
    const stored = this.read();
    if (!stored) return undefined;
    const unchanged = () => this.unchangedSince(stored.stamp);
    return unchanged() ? { reads: stored.reads, unchanged } : undefined;
  }

  /** The recording there, if it is of this format and key and newer than the warehouse's last write it records. */
  private read(): Stored | undefined {
    try {
      const fd = openSync(this.file, 'r');
      try {
        const own = fstatSync(fd, { bigint: true });
        const stored = deserialize(readFileSync(fd)) as Stored;
        // On one file system (one clock, one precision for both files) and newer than the warehouse's last write.
        const trusted = String(own.dev) === stored?.stamp?.dev && BigInt(stored.stamp.mtimeNs) < own.mtimeNs;
        return stored?.format === FORMAT && stored.key === this.key && trusted ? stored : undefined;
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  /** The warehouse file is as `stamp` says, with no write-ahead log (a commit not yet checkpointed) beside it. */
  private unchangedSince(stamp: Stamp): boolean {
    const now = statOrUndefined(this.warehouse);
    return !!now && sameStamp(stampOf(now), stamp) && !statOrUndefined(`${this.warehouse}.wal`);
  }

  /**
   * Records `reads`, with the state's `index`, while the warehouse is still open;
   * `checkpoint` folds DuckDB's log into the file first. Returns a check to call once the warehouse is closed: it removes the
   * recording if closing changed the file. Never fails the command: a recording that
   * cannot be written only costs the next plan its time.
   */
  async save(reads: RecordedReads, checkpoint: () => Promise<void>, index: () => Promise<StateIndex>): Promise<() => void> {
    const none = () => undefined;
    try {
      await checkpoint();
      const before = statOrUndefined(this.warehouse);
      if (!before || statOrUndefined(`${this.warehouse}.wal`)) return none;
      const stamp = stampOf(before);
      const stored: Stored = { format: FORMAT, key: this.key, stamp, reads: { ...this.withEarlier(reads), index: indexParts(await index()) } };
      mkdirSync(join(this.file, '..'), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, serialize(stored));
      renameSync(temp, this.file);
      // Written in the same tick of the file system's clock as the warehouse's last write: not trusted (see above).
      if (statSync(this.file, { bigint: true }).mtimeNs <= before.mtimeNs) return this.discard();
      return () => {
        if (!this.unchangedSince(stamp)) this.discard();
      };
    } catch {
      this.discard();
      return none;
    }
  }

  /**
   * `reads` and those of the recording there, if it is still valid: valid now, while this
   * process holds the warehouse, it was made of the same file, so its reads still hold
   * (another environment's plan, other options). Up to a bound, past which only `reads` stay.
   */
  private withEarlier(reads: RecordedReads): RecordedReads {
    const earlier = this.load()?.reads;
    if (!earlier) return reads;
    const merged: RecordedReads = {
      calls: new Map([...earlier.calls, ...reads.calls]),
      chunks: new Map([...earlier.chunks, ...reads.chunks]),
      heads: new Set([...earlier.heads, ...reads.heads]),
      payloads: new Set([...earlier.payloads, ...reads.payloads]),
    };
    let bytes = 0;
    for (const value of merged.calls.values()) if (typeof value !== 'number') bytes += value.length;
    for (const chunk of merged.chunks.values()) bytes += chunk.bytes.length;
    return bytes <= MAX_BYTES ? merged : reads;
  }

  /** Where applies keep the snapshots they insert (kept-snapshots.ts), beside the recording. */
  kept(): KeptSnapshots {
    return new KeptSnapshots(join(this.file, '..', 'snapshots.cache'));
  }

  /** Removes the recording (a warehouse changed under it, or one that cannot be trusted). */
  discard(): () => void {
    try {
      rmSync(this.file, { force: true });
    } catch {
      // Left behind: its key or stamp still keeps it from being used.
    }
    return () => undefined;
  }
}
