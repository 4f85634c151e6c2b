import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../config/types.js';
import { hashOf } from '../util/hash.js';
import { packageVersion } from '../util/package-version.js';
import { readText } from '../util/read-text.js';
import type { QueryShape, TableReference } from './model.js';
import { analyzeQuery } from './query-analysis.js';
import { parseByDialect } from './sql-parser.js';

/** What parsing and analysing one query yields: all that planning keeps of its tree. */
export type QueryAnalysis = { ok: true; references: TableReference[]; shape: QueryShape } | { ok: false; message: string; offset?: number };

/**
 * Analyses of queries already parsed, so an unchanged model costs a hash and a lookup
 * instead of a parse. An entry's key is a hash of everything its value depends on: the
 * exact text parsed, its dialect, the parsers' package versions and the bytes of the
 * code that parses and analyses (this folder's parser and analysis modules). A stale
 * entry therefore can never match; the cache file can be deleted at any time, and a
 * missing or unreadable one is rebuilt. Failed parses are never cached.
 */
export class AnalysisCache {
  private entries: Map<string, QueryAnalysis> | undefined;
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly salt: string,
  ) {}

  /**
   * The cache of a project (`.planner/cache/`), or an in-memory one when `dir` is undefined.
   * Its file is read at the first query to analyse: a load whose models all come from the
   * model cache (model-cache.ts) never reads it.
   */
  static open(dir: string | undefined, salt = codeSalt()): AnalysisCache {
    return new AnalysisCache(dir && join(dir, 'query-analyses.json'), salt);
  }

  private loaded(): Map<string, QueryAnalysis> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    if (!this.file) return this.entries;
    try {
      const saved = JSON.parse(readText(this.file)) as { salt?: string; entries?: Record<string, QueryAnalysis> };
      // Entries of other code are unusable anyway: drop them with their file.
      if (saved.salt === this.salt && saved.entries) this.entries = new Map(Object.entries(saved.entries));
    } catch {
      // No cache yet, or one that does not read: start empty.
    }
    return this.entries;
  }

  /** Keeps an entry this load did not need to look up (its model came whole from the model cache). */
  keep(key: string): void {
    this.used.add(key);
  }

  key(dialect: Dialect, text: string): string {
    return hashOf(this.salt, dialect, text);
  }

  /** Analyses `queries` (each in its dialect), parsing only those not cached, in one batch per dialect. */
  async analyze(dialects: readonly Dialect[], queries: readonly string[]): Promise<QueryAnalysis[]> {
    const entries = this.loaded();
    const keys = queries.map((q, i) => this.key(dialects[i], q));
    const out: QueryAnalysis[] = keys.map((k) => entries.get(k)!);
    const misses = keys.flatMap((k, i) => (out[i] ? [] : [i]));
    for (const k of keys) this.used.add(k);
    if (!misses.length) return out;
    const parsed = await parseByDialect(misses.map((i) => dialects[i]), misses.map((i) => queries[i]));
    misses.forEach((at, j) => {
      const outcome = parsed[j];
      out[at] = outcome.ok ? { ok: true, ...analyzeQuery(outcome.tree, queries[at]) } : outcome;
      if (outcome.ok) {
        entries.set(keys[at], out[at]);
        this.changed = true;
      }
    });
    return out;
  }

  /** Writes the entries used since opening (others belong to files that changed or went), atomically. */
  save(): void {
    // Never read: nothing was analysed, so the file stays as it is.
    if (!this.file || !this.entries) return;
    const stale = [...this.entries.keys()].some((k) => !this.used.has(k));
    if (!this.changed && !stale) return;
    const entries: Record<string, QueryAnalysis> = {};
    for (const k of this.used) if (this.entries.has(k)) entries[k] = this.entries.get(k)!;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ salt: this.salt, entries }));
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next run a parse.
    }
  }
}

let salt: string | undefined;

/**
 * The parsers' versions and the code that turns their trees into analyses: a change to
 * either gives every entry a new key.
 */
function codeSalt(): string {
  if (salt) return salt;
  const here = dirname(fileURLToPath(import.meta.url));
  const code = readdirSync(here)
    .filter((f) => /(parser|analysis|canonical-query|query-functions)\.(js|ts)$/.test(f))
    .sort()
    .map((f) => `${f}\0${readFileSync(join(here, f), 'utf8')}`);
  const versions = ['@duckdb/node-api', 'libpg-query'].map((p) => `${p}@${packageVersion(p)}`);
  salt = hashOf('analysis-cache-1', ...versions, ...code);
  return salt;
}
