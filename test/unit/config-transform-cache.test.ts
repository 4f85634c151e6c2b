import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { InputError } from '../../src/errors.js';
import { configProjects } from '../helpers/config-project.js';

const project = configProjects('planner-config-cache-');

const cacheFile = (dir: string) => join(dir, '.planner', 'cache', 'config.cache');
const typed = (region: string) => `const region: string = '${region}';\nexport default { variables: { region } };\n`;

/** Every cached transform's code rewritten by `edit`, as a stale or tampered cache would hold it. */
function tamper(dir: string, edit: (code: string) => string): void {
  const stored = JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as { entries: Record<string, string> };
  for (const key of Object.keys(stored.entries)) stored.entries[key] = edit(stored.entries[key]);
  writeFileSync(cacheFile(dir), JSON.stringify(stored));
}

describe('config transform cache (.planner/cache/config.cache)', () => {
  it('serves an unchanged config from the cache, and never an entry of other bytes', async () => {
    const dir = project(typed('eu'));
    expect((await loadConfig(dir)).variables).toEqual({ region: 'eu' });
    expect(existsSync(cacheFile(dir))).toBe(true);

    // The entry is used while the file's bytes are the same: a tampered entry shows through.
    tamper(dir, (code) => code.replace(`'eu'`, `'tampered'`));
    expect((await loadConfig(dir)).variables).toEqual({ region: 'tampered' });

    // Any change of the file's bytes is a new key: the tampered entry is never used again.
    writeFileSync(join(dir, 'planner.config.ts'), typed('eu') + ' ');
    expect((await loadConfig(dir)).variables).toEqual({ region: 'eu' });
    writeFileSync(join(dir, 'planner.config.ts'), typed('us'));
    expect((await loadConfig(dir)).variables).toEqual({ region: 'us' });
  });

  it('gives the same config without the cache, and with a cache that does not read', async () => {
    const dir = project(`import { defineConfig } from 'planner';\nexport default defineConfig({ variables: { n: 2 as number }, stateSchema: 'st' });\n`);
    const first = await loadConfig(dir);
    const cached = await loadConfig(dir);
    rmSync(join(dir, '.planner'), { recursive: true, force: true });
    const rebuilt = await loadConfig(dir);
    writeFileSync(cacheFile(dir), 'not json');
    const unreadable = await loadConfig(dir);
    expect(cached).toEqual(first);
    expect(rebuilt).toEqual(first);
    expect(unreadable).toEqual(first);
    expect(first.variables).toEqual({ n: 2 });
  });

  it('evaluates the config on every load: .env and process.env are read afresh', async () => {
    const dir = project(`export default { variables: { region: process.env.PLANNER_CFG_CACHE_REGION } };\n`, 'PLANNER_CFG_CACHE_REGION=eu\n');
    expect((await loadConfig(dir)).variables).toEqual({ region: 'eu' });
    writeFileSync(join(dir, '.env'), 'PLANNER_CFG_CACHE_REGION=us\n');
    expect((await loadConfig(dir)).variables).toEqual({ region: 'us' });
    expect(process.env.PLANNER_CFG_CACHE_REGION).toBeUndefined();
  });

  it('keeps no failed transform: a config that does not parse fails the same way every time', async () => {
    const dir = project(`export default { variables: { region: 'eu' }\n`);
    const errors: string[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        await loadConfig(dir);
        throw new Error('expected an InputError');
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).exitCode).toBe(2);
        errors.push((err as Error).message);
      }
    }
    expect(errors[0]).toMatch(/^cannot load config: /);
    expect(errors[1]).toBe(errors[0]);
    const stored = existsSync(cacheFile(dir)) ? (JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as { entries: object }).entries : {};
    expect(stored).toEqual({});
  });
});
