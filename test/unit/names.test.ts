import { describe, expect, it } from 'vitest';
import { physicalTableName } from '../../src/snapshot/physical-names.js';
import { viewName } from '../../src/snapshot/virtual-names.js';
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
  it('put prod in the model schema and other environments in <schema>__<env>', () => {
    expect(viewName('analytics', 'customers', 'prod')).toEqual({ schema: 'analytics', table: 'customers' });
    expect(viewName('analytics', 'customers', 'dev__alice')).toEqual({ schema: 'analytics__dev__alice', table: 'customers' });
  });

  it('refuse an environment whose schema would pass 63 bytes', () => {
    expect(() => viewName('s'.repeat(50), 't', 'e'.repeat(20))).toThrow(/passes 63 bytes/);
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
