import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentSettings } from '../../src/config/environment-settings.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Dialect } from '../../src/config/types.js';
import { FINGERPRINT_FORMAT } from '../../src/model/canonical-query.js';
import { loadProject, parseByDialect } from '../../src/model/load-project.js';
import { analyzeQuery } from '../../src/model/query-analysis.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { hashOf } from '../../src/util/hash.js';
import { stableStringify } from '../../src/util/stable-json.js';
import { ROOT } from '../helpers/project.js';

/**
 * Golden fingerprints: the exact snapshot ids of the demo's and the examples' models, and
 * the canonical hashes of the TPC-H and PostgreSQL corpus queries under each parser. A
 * change to any of them means every user's warehouse would be rebuilt after upgrading,
 * so it fails here on purpose.
 */
const GOLDEN = join(ROOT, 'test/fixtures/fingerprint-golden.json');
const PROJECTS = ['.', ...readdirSync(join(ROOT, 'examples')).sort().map((d) => `examples/${d}`)];
const CORPORA: { dir: string; dialects: Dialect[] }[] = [
  { dir: 'bench/corpus/tpch', dialects: ['duckdb', 'postgres'] },
  { dir: 'bench/corpus/postgres', dialects: ['postgres'] },
];

interface Golden {
  format: number;
  /** "<project dir> <environment> <model name>" -> snapshot id. */
  models: Record<string, string>;
  /** "<query file> (<dialect>)" -> hash of the query's canonical hash, body hash and projections. */
  queries: Record<string, string>;
}

async function compute(): Promise<Golden> {
  const models: Record<string, string> = {};
  for (const dir of PROJECTS) {
    if (!existsSync(join(ROOT, dir, 'models'))) continue;
    const config = await loadConfig(join(ROOT, dir));
    // Each environment the config names (multi-tenant's tenants set the variables its seeds need).
    const named = Object.keys(config.environments).filter((e) => !e.includes('*'));
    for (const env of named.length ? named : ['prod']) {
      const project = await loadProject(config, environmentSettings(config, env).variables);
      for (const [name, { id }] of fingerprintProject(project)) models[`${dir} ${env} ${name}`] = id;
    }
  }
  const queries: Record<string, string> = {};
  for (const { dir, dialects } of CORPORA) {
    const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.sql')).sort();
    const texts = files.map((f) => readFileSync(join(ROOT, dir, f), 'utf8'));
    for (const dialect of dialects) {
      const outcomes = await parseByDialect(texts.map(() => dialect), texts);
      outcomes.forEach((o, i) => {
        if (!o.ok) throw new Error(`${dir}/${files[i]} does not parse as ${dialect}: ${o.message}`);
        queries[`${dir}/${files[i]} (${dialect})`] = hashOf(stableStringify(analyzeQuery(o.tree, texts[i]).shape)).slice(0, 24);
      });
    }
  }
  return { format: FINGERPRINT_FORMAT, models, queries };
}

const HOW_TO = [
  'Fingerprints changed: every snapshot in users\' state would look edited and be rebuilt after upgrading.',
  'If this is not intended, undo the change (a parser upgrade: pin the previous version in package.json).',
  'If it is intended: bump FINGERPRINT_FORMAT in src/model/canonical-query.ts (so `planner migrate` recomputes',
  'stored fingerprints, keeping versions and tables), then regenerate this file deliberately with',
  '  UPDATE_GOLDEN=1 npx vitest run test/unit/fingerprint-golden.test.ts',
].join('\n');

describe('golden fingerprints', () => {
  it('are exactly the pinned ones for the demo, the examples and the query corpora', async () => {
    const actual = await compute();
    const golden = existsSync(GOLDEN) ? (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden) : { format: FINGERPRINT_FORMAT, models: {}, queries: {} };
    const changed = [
      ...Object.entries(golden.models).filter(([k, v]) => actual.models[k] !== v).map(([k]) => `model ${k}`),
      ...Object.entries(golden.queries).filter(([k, v]) => actual.queries[k] !== v).map(([k]) => `query ${k}`),
    ];
    if (process.env.UPDATE_GOLDEN) {
      // New entries may be added at any time; changed ones only with a new format version.
      if (changed.length && golden.format === FINGERPRINT_FORMAT) throw new Error(`${HOW_TO}\nFINGERPRINT_FORMAT is still ${golden.format}: bump it first. Changed:\n${changed.join('\n')}`);
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    expect(changed, `${HOW_TO}\nChanged:\n${changed.join('\n')}`).toEqual([]);
    expect(golden.format, 'the golden file was written for another format: regenerate it (see above)').toBe(FINGERPRINT_FORMAT);
    // Every model and query of the corpus is pinned (a new one: regenerate to add it).
    expect(Object.keys(actual.models).sort()).toEqual(Object.keys(golden.models).sort());
    expect(Object.keys(actual.queries).sort()).toEqual(Object.keys(golden.queries).sort());
  });
});
