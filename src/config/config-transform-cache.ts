import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TransformOptions, TransformResult } from 'jiti';
import { hashOf } from '../util/hash.js';
import { packageVersion, plannerVersion } from '../util/package-version.js';

/** Bumped when what the file holds changes shape. */
const FORMAT = 'config-transform-1';

/**
 * jiti's transforms of the config file (and of the files it imports): TypeScript and ESM
 * turned into what jiti evaluates, by babel, which costs every command about 0.1 s (0.2 s
 * with loading babel itself). The key of an entry is a hash of the file's exact bytes,
 * its path, every option of the transform, and the versions of jiti (which bundles
 * babel) and of planner: any change gives a new key, so a stale entry is never used. The
 * config is still evaluated on every load (its `.env` and `process.env` reads are live);
 * only the transform of its text is kept. The file can be deleted at any time; one that
 * does not read or cannot be written only costs the transform.
 */
export class ConfigTransformCache {
  private readonly kept = new Map<string, string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, string>,
  ) {}

  /** The cache file in `dir` (`.planner/cache/`). */
  static open(dir: string): ConfigTransformCache {
    const file = join(dir, 'config.cache');
    let entries: Record<string, string> = {};
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; entries?: unknown };
      if (stored.format === FORMAT && stored.entries && typeof stored.entries === 'object') entries = stored.entries as Record<string, string>;
    } catch {
      // No cache yet, or one that does not read: start empty.
    }
    return new ConfigTransformCache(file, entries);
  }

  /** `transform` (jiti's own, babel) with its results kept by key; a failed transform is never kept. */
  wrap(transform: (opts: TransformOptions) => TransformResult): (opts: TransformOptions) => TransformResult {
    return (opts) => {
      const key = transformKey(opts);
      if (key === undefined) return transform(opts);
      const hit = this.entries[key];
      if (typeof hit === 'string') {
        this.kept.set(key, hit);
        return { code: hit };
      }
      const result = transform(opts);
      // jiti marks a transform that failed by code that throws when evaluated.
      if (!result.error && typeof result.code === 'string' && !result.code.includes('__JITI_ERROR__')) {
        this.kept.set(key, result.code);
        this.changed = true;
      }
      return result;
    };
  }

  /** Writes the entries of this load (others belong to files that changed or went), atomically, when they differ from the file's. */
  save(): void {
    if (!this.changed && this.kept.size === Object.keys(this.entries).length) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.kept) }));
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next load the transform.
    }
  }
}

/**
 * The key of one transform, or undefined when its options hold babel settings or other
 * code (plugins), which a key cannot see into. Options are listed in a fixed order.
 */
function transformKey(opts: TransformOptions): string | undefined {
  const { source, babel, ...rest } = opts;
  if (babel && Object.keys(babel).length) return undefined;
  const options = Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1));
  if (options.some(([, v]) => typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')) return undefined;
  // One JSON part for the options (it holds no NUL), then the exact source.
  return hashOf(FORMAT, versions(), JSON.stringify(options), source);
}

let known: string | undefined;

/** jiti's and planner's versions: what turns a config's text into code. */
function versions(): string {
  known ??= [`jiti@${packageVersion('jiti')}`, `planner@${plannerVersion()}`].join(',');
  return known;
}
