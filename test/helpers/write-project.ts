import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../../src/config/load-config.js';
import { InputError } from '../../src/errors.js';
import { loadProject } from '../../src/model/load-project.js';

/** Writes a project from `files` (path -> text) into a temp folder; `cleanup` removes them all. */
export function projectWriter() {
  const dirs: string[] = [];
  return {
    write(files: Record<string, string>): string {
      const dir = mkdtempSync(join(tmpdir(), 'planner-unit-'));
      dirs.push(dir);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      return dir;
    },
    load(files: Record<string, string>, variables: Record<string, unknown> = {}) {
      return loadProject(resolveConfig({}, this.write(files)), variables);
    },
    /** The bad-input error loading `files` gives; anything else (or no error) fails the test. */
    async loadError(files: Record<string, string>): Promise<InputError> {
      const err = await this.load(files).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (err instanceof InputError) return err;
      throw new Error(`expected an InputError, got ${String(err)}`);
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
