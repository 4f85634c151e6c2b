import { describe, expect, it } from 'vitest';
import { physicalTableName } from '../../src/snapshot/physical-names.js';
import { assertEnvironmentFits, assertNoViewClash, viewName, VIRTUAL_LAYOUTS } from '../../src/snapshot/virtual-names.js';
import type { InputError } from '../../src/errors.js';
import { quoteIdent, quoteTable, validateEnvironmentName, validateIdentifier } from '../../src/util/identifiers.js';

describe('physical names', () => {
  it('follow planner__<schema>.<schema>__<table>__<version>', () => {
    expect(physicalTableName('analytics', 'customers', 'abc123')).toEqual({ schema: 'planner__analytics', table: 'analytics__customers__abc123' });
  });

  it('fit 63 bytes and stay unique however long the model name', () => {
    const long = 'a'.repeat(63);
    const t1 = physicalTableName(long, `${'b'.repeat(60)}x1`, '0123456789');
    const t2 = physicalTableName(long, `${'b'.repeat(60)}x2`, '0123456789');
    for (const n of [t1, t2]) {
      expect(Buffer.byteLength(n.schema)).toBeLessThanOrEqual(63);
      expect(Buffer.byteLength(n.table)).toBeLessThanOrEqual(63);
      expect(n.table.endsWith('__0123456789')).toBe(true);
    }
    expect(t1.table).not.toBe(t2.table);
    expect(t1.schema).toBe(t2.schema);
    expect(physicalTableName(`${long.slice(1)}x`, 't', 'v').schema).not.toBe(t1.schema);
  });
});

describe('view names', () => {
  it('put prod in the model schema in every layout', () => {
    for (const layout of VIRTUAL_LAYOUTS) expect(viewName('analytics', 'customers', 'prod', layout)).toEqual({ schema: 'analytics', table: 'customers' });
  });

  it('place another environment by the layout', () => {
    expect(viewName('analytics', 'customers', 'dev__alice', 'schema-suffix')).toEqual({ schema: 'analytics__dev__alice', table: 'customers' });
    expect(viewName('analytics', 'customers', 'dev__alice', 'environment-schema')).toEqual({ schema: 'dev__alice', table: 'customers' });
    expect(viewName('analytics', 'customers', 'dev__alice', 'table-suffix')).toEqual({ schema: 'analytics', table: 'customers__dev__alice' });
  });

  it('refuse an environment whose schema or table would pass 63 bytes', () => {
    expect(() => viewName('s'.repeat(50), 't', 'e'.repeat(20), 'schema-suffix')).toThrow(/passes 63 bytes/);
    expect(() => viewName('s', 't'.repeat(50), 'e'.repeat(20), 'table-suffix')).toThrow(/passes 63 bytes/);
    expect(viewName('s'.repeat(50), 't', 'e'.repeat(20), 'environment-schema').schema).toBe('e'.repeat(20));
  });

  const model = (name: string) => ({ name, schema: name.split('.')[0], table: name.split('.')[1], file: `models/${name.replace('.', '/')}.sql` });

  it('refuse, under environment-schema, two models with one table name, naming both files and the other layouts', () => {
    const models = [model('staging.orders'), model('analytics.orders'), model('analytics.customers')];
    expect(() => assertEnvironmentFits('dev', 'environment-schema', models, 'planner_state')).toThrow(
      /analytics\.orders \(models\/analytics\/orders\.sql\) and staging\.orders \(models\/staging\/orders\.sql\)/,
    );
    try {
      assertEnvironmentFits('dev', 'environment-schema', models, 'planner_state');
    } catch (err) {
      expect((err as InputError).hint).toMatch(/'schema-suffix' or 'table-suffix'/);
      expect((err as InputError).exitCode).toBe(2);
    }
    for (const layout of ['schema-suffix', 'table-suffix'] as const) expect(() => assertEnvironmentFits('dev', layout, models, 'planner_state')).not.toThrow();
    expect(() => assertEnvironmentFits('prod', 'environment-schema', models, 'planner_state')).not.toThrow();
  });

  it('refuse, under environment-schema, an environment named like a model, physical or state schema', () => {
    const models = [model('analytics.customers'), model('raw.orders')];
    expect(() => assertEnvironmentFits('analytics', 'environment-schema', models, 'planner_state')).toThrow(/named like the model schema 'analytics'/);
    expect(() => assertEnvironmentFits('planner_state', 'environment-schema', models, 'planner_state')).toThrow(/state schema/);
    expect(() => assertEnvironmentFits('planner__raw', 'environment-schema', models, 'planner_state')).toThrow(/physical schemas/);
    expect(() => assertEnvironmentFits('dev__alice', 'environment-schema', models, 'planner_state')).not.toThrow();
    expect(() => assertEnvironmentFits('analytics', 'schema-suffix', models, 'planner_state')).not.toThrow();
  });

  it("refuse, under the suffix layouts, an environment's view named like a model's view in prod, both ways", () => {
    const models = [model('s.t'), model('s.t__dev'), model('a__dev.c'), model('a.c')];
    expect(() => assertNoViewClash('dev', 'table-suffix', models, [])).toThrow(/models s\.t__dev \(models\/s\/t__dev\.sql\) and s\.t \(models\/s\/t\.sql\) both need the view s\.t__dev/);
    expect(() => assertNoViewClash('dev', 'schema-suffix', models, [])).toThrow(/models a__dev\.c .* and a\.c .* both need the view a__dev\.c/);
    expect(() => assertNoViewClash('qa', 'table-suffix', models, [])).not.toThrow();
    expect(() => assertNoViewClash('dev', 'environment-schema', [model('s.t'), model('s.u')], [])).not.toThrow();
    // Prod adding s.t__dev while environment dev holds a view of s.t there.
    expect(() => assertNoViewClash('prod', 'table-suffix', models, [{ name: 'dev', views: ['s.t'], layout: 'table-suffix' }])).toThrow(/environment dev's view of s\.t under virtualLayout 'table-suffix'/);
    expect(() => assertNoViewClash('prod', 'table-suffix', models, [{ name: 'dev', views: ['s.t'], layout: 'environment-schema' }])).not.toThrow();
    try {
      assertNoViewClash('dev', 'table-suffix', models, []);
    } catch (err) {
      expect((err as InputError).exitCode).toBe(2);
      expect((err as InputError).hint).toMatch(/'schema-suffix' or 'environment-schema'/);
    }
  });
});

describe('identifiers', () => {
  it('are validated against the allowlist', () => {
    expect(validateIdentifier('order_items', 'table')).toBe('order_items');
    for (const bad of ['Orders', 'a;drop', 'a"b', 'a.b', '1a', 'naïve', '', 'x'.repeat(64)]) {
      expect(() => validateIdentifier(bad, 'table')).toThrow();
    }
    for (const bad of ['Dev-1;drop', 'Dev', '', '_x', 'a'.repeat(41)]) expect(() => validateEnvironmentName(bad)).toThrow();
    expect(validateEnvironmentName('dev__alice')).toBe('dev__alice');
  });

  it('are always quoted, reserved words included', () => {
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteTable({ schema: 'order', table: 'group' })).toBe('"order"."group"');
  });
});
