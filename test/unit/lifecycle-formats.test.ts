import { describe, expect, it } from 'vitest';
import { colorDiff, renderEnvironmentDiff } from '../../src/cli/render/environment-diff.js';
import { relativeTime } from '../../src/cli/render/time.js';
import { physicalTablesRead, readsTable, ViewReaders } from '../../src/lifecycle/catalog-references.js';
import { dagNodes, formatDag, type DagNode } from '../../src/lifecycle/dag-format.js';
import { unifiedDiff } from '../../src/lifecycle/environment-diff.js';
import { projectWriter } from '../helpers/write-project.js';

const nodes: DagNode[] = [
  { name: 'raw.orders', kind: 'SEED', parents: [], externals: [] },
  { name: 'staging.orders', kind: 'VIEW', parents: ['raw.orders'], externals: ['ext."odd"'] },
  { name: 'mart.daily', kind: 'FULL', parents: ['staging.orders'], externals: [] },
];

describe('formatDag', () => {
  it('prints aligned text with each model\'s inputs', () => {
    expect(formatDag(nodes, 'text')).toBe(
      [
        'raw.orders      SEED',
        'staging.orders  VIEW  <- raw.orders, ext."odd" (external)',
        'mart.daily      FULL  <- staging.orders',
        '',
        '3 models, 2 dependencies',
      ].join('\n'),
    );
  });

  it('prints a Mermaid flowchart with numbered ids and escaped labels', () => {
    expect(formatDag(nodes, 'mermaid')).toBe(
      [
        'flowchart LR',
        '  m0["raw.orders<br/><small>SEED</small>"]',
        '  m1["staging.orders<br/><small>VIEW</small>"]',
        '  m2["mart.daily<br/><small>FULL</small>"]',
        '  x0[("ext.#quot;odd#quot;")]',
        '  m0 --> m1',
        '  x0 -.-> m1',
        '  m1 --> m2',
      ].join('\n'),
    );
  });

  it('prints a DOT digraph with quoted names', () => {
    const dot = formatDag(nodes, 'dot');
    expect(dot).toContain('"raw.orders" [label="raw.orders\\nSEED"];');
    expect(dot).toContain('"ext.\\"odd\\"" -> "staging.orders" [style=dashed];');
    expect(dot).toContain('"staging.orders" -> "mart.daily";');
    expect(dot.startsWith('digraph planner {') && dot.endsWith('}')).toBe(true);
  });

  it('reads the graph of a loaded project in DAG order', async () => {
    const w = projectWriter();
    try {
      const project = await w.load({
        'models/b.sql': 'MODEL (name s.b, kind FULL);\nSELECT x FROM s.a JOIN outside.src USING (x);\n',
        'models/a.sql': 'MODEL (name s.a, kind VIEW);\nSELECT 1 AS x;\n',
      });
      expect(dagNodes(project)).toEqual([
        { name: 's.a', kind: 'VIEW', parents: [], externals: [] },
        { name: 's.b', kind: 'FULL', parents: ['s.a'], externals: ['outside.src'] },
      ]);
    } finally {
      w.cleanup();
    }
  });
});

describe('view definitions', () => {
  it('tell which table a view reads, quoted or not, and not a longer name', () => {
    const table = { schema: 'planner__a', table: 'a__t__0123456789' };
    expect(readsTable('CREATE VIEW a.t AS SELECT * FROM planner__a.a__t__0123456789;', table)).toBe(true);
    expect(readsTable('CREATE VIEW a.t AS SELECT * FROM "planner__a"."a__t__0123456789"', table)).toBe(true);
    expect(readsTable('CREATE VIEW a.t AS SELECT * FROM planner__a.a__t__0123456789x', table)).toBe(false);
    expect(readsTable('CREATE VIEW a.t AS SELECT * FROM xplanner__a.a__t__0123456789', table)).toBe(false);
    expect(physicalTablesRead('CREATE VIEW a.t AS SELECT * FROM "planner__a"."a__u__9"')).toEqual(['planner__a.a__u__9']);
  });

  it('index the views that mention a table, without the table itself', () => {
    const readers = new ViewReaders([
      { name: { schema: 'r', table: 'v' }, type: 'view', definition: 'CREATE VIEW r.v AS SELECT * FROM "planner__a"."a__t__1"' },
      { name: { schema: 'planner__a', table: 'a__t__1' }, type: 'view', definition: 'CREATE VIEW planner__a.a__t__1 AS SELECT 1' },
      { name: { schema: 'planner__a', table: 'a__u__2' }, type: 'table' },
    ]);
    expect(readers.readersOf({ schema: 'planner__a', table: 'a__t__1' })).toEqual(['r.v']);
    expect(readers.readersOf({ schema: 'planner__a', table: 'a__u__2' })).toEqual([]);
  });
});

describe('diff text', () => {
  it('is a unified diff with headers, and empty for equal text', () => {
    expect(unifiedDiff('prod/m.sql', 'dev/m.sql', 'a\nb\nc\n', 'a\nB\nc\n')).toBe(['--- prod/m.sql', '+++ dev/m.sql', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c'].join('\n'));
    expect(unifiedDiff('x', 'y', 'same', 'same')).toBe('');
  });

  it('colors a removed SQL comment as a removal, not as a header', () => {
    const lines = colorDiff(['--- a', '+++ b', '@@ -1 +1 @@', '--- old comment', '+-- new comment'].join('\n'));
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('--- old comment');
  });

  it('says plainly when two environments match', () => {
    const same = { a: 'dev', b: 'prod', aIsLocal: false, onlyInA: [], onlyInB: [], modified: [], indirectlyModified: [] };
    expect(renderEnvironmentDiff(same)).toContain('No differences: dev and prod point at the same snapshot for every model.');
    expect(renderEnvironmentDiff({ ...same, a: 'local', aIsLocal: true })).toContain('No differences: the local project matches prod.');
  });

  it('counts time in the largest unit that fits', () => {
    const now = 1_000_000_000_000;
    expect(relativeTime(now + 7 * 86_400_000 - 5, now)).toBe('in 7 days');
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3 hours ago');
    expect(relativeTime(now + 1_000, now)).toBe('just now');
    expect(relativeTime(now - 60_000, now)).toBe('1 minute ago');
  });
});
