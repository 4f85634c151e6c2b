import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ModelDefaults } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import { loadProject } from '../../src/model/load-project.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

const files = {
  'models/a.sql': "MODEL (name s.a, kind FULL);\nSET threads = 2;\nSELECT 1 AS x;\nANALYZE @this_model;\nON_VIRTUAL_UPDATE_BEGIN;\nGRANT SELECT ON @this_model TO r;\nON_VIRTUAL_UPDATE_END;",
  'models/b.sql': 'MODEL (name s.b, kind FULL);\nSELECT x FROM s.a',
  'macros/util.ts': 'export function note(evaluator, what) { return `SELECT ${what}`; }\n',
};
const load = (defaults: Partial<ModelDefaults>, variables: Record<string, unknown> = {}) =>
  loadProject(resolveConfig({ modelDefaults: { dialect: 'duckdb', ...defaults } }, projects.write(files)), variables);

describe('modelDefaults statements (SQLMesh model_defaults pre_statements, post_statements, on_virtual_update)', () => {
  it('go before every model\'s own statements, expanded with the model\'s macros', async () => {
    const project = await load({
      preStatements: ["SET TimeZone = 'UTC'"],
      postStatements: ["@note(@tag); @IF(@runtime_stage = 'evaluating', CHECKPOINT)"],
      onVirtualUpdate: ['COMMENT ON VIEW @this_model IS @tag'],
    }, { tag: 'nightly' });
    const a = project.models.get('s.a')!;
    expect(a.statements).toEqual({
      pre: ["SET TimeZone = 'UTC'", 'SET threads = 2'],
      post: ["SELECT 'nightly'", "@IF(@runtime_stage = 'evaluating', CHECKPOINT)", 'ANALYZE @this_model'],
      onVirtualUpdate: ["COMMENT ON VIEW @this_model IS 'nightly'", 'GRANT SELECT ON @this_model TO r'],
    });
    expect(project.models.get('s.b')!.statements).toEqual({
      pre: ["SET TimeZone = 'UTC'"],
      post: ["SELECT 'nightly'", "@IF(@runtime_stage = 'evaluating', CHECKPOINT)"],
      onVirtualUpdate: ["COMMENT ON VIEW @this_model IS 'nightly'"],
    });
  });

  it('pre and post enter every model\'s data hash, on-virtual-update its metadata hash', async () => {
    const base = await fingerprintProject(await load({}));
    const pre = await fingerprintProject(await load({ preStatements: ['SET threads = 4'] }));
    const virtual = await fingerprintProject(await load({ onVirtualUpdate: ['SELECT 1'] }));
    for (const name of ['s.a', 's.b']) {
      expect(pre.get(name)!.fingerprint.data).not.toBe(base.get(name)!.fingerprint.data);
      expect(virtual.get(name)!.fingerprint.data).toBe(base.get(name)!.fingerprint.data);
      expect(virtual.get(name)!.fingerprint.metadata).not.toBe(base.get(name)!.fingerprint.metadata);
    }
  });

  it('a bad default statement exits 2 naming the config key and the model', async () => {
    const err = await load({ postStatements: ['SELECT 1', '@nope(1)'] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as InputError).message).toMatch(/^config key 'modelDefaults\.postStatements\[1\]': unknown macro @nope .*\(expanding it for model s\.[ab]\)$/);
  });
});
