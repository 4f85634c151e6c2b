import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Context, type ContextOptions } from '../../src/context.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A throwaway copy of a project (the demo at the repository root by default) in a temp
 * folder, with its own DuckDB file, so tests never see each other's objects.
 */
export class TempProject {
  readonly dir: string;

  constructor(source: string = ROOT, files: string[] = ['models', 'seeds', 'audits', 'tests', 'planner.config.ts']) {
    this.dir = mkdtempSync(join(tmpdir(), 'planner-test-'));
    // A project may lack audits/ or tests/; copy what it has.
    for (const f of files) if (existsSync(join(source, f))) cpSync(join(source, f), join(this.dir, f), { recursive: true });
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  write(rel: string, text: string): void {
    writeFileSync(this.path(rel), text);
  }

  /** Replaces text in a project file; fails loudly when the text is not there. */
  edit(rel: string, from: string | RegExp, to: string): void {
    const before = this.read(rel);
    const after = before.replace(from, to);
    if (after === before) throw new Error(`edit of ${rel}: '${from}' not found`);
    this.write(rel, after);
  }

  open(options: Partial<ContextOptions> = {}, environment?: string): Promise<Context> {
    return Context.open({ projectDir: this.dir, ...options }, environment);
  }

  /** Opens a context, runs `fn`, and closes it (DuckDB allows one process on a file at a time). */
  async with<T>(fn: (ctx: Context) => Promise<T>, options: Partial<ContextOptions> = {}): Promise<T> {
    const ctx = await this.open(options);
    try {
      return await fn(ctx);
    } finally {
      await ctx.close();
    }
  }

  /** Plans and applies in one go, returning the plan. */
  async planAndApply(environment = 'prod', options: Parameters<Context['plan']>[1] = {}) {
    return this.with(async (ctx) => {
      const plan = await ctx.plan(environment, options);
      const result = await ctx.apply(plan);
      return { plan, result };
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
