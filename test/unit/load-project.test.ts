import { afterEach, describe, expect, it } from 'vitest';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

describe('loading a project', () => {
  it('finds dependencies, ignoring CTE names, and keeps unknown tables as external sources', async () => {
    const project = await projects.load({
      'models/a.sql': 'MODEL (name s.a, kind FULL);\nSELECT 1 AS id',
      'models/b.sql': 'MODEL (name s.b, kind FULL);\nWITH a AS (SELECT * FROM s.a), x AS (SELECT * FROM a)\nSELECT * FROM x JOIN "s"."a" AS y USING (id) JOIN ext.source USING (id) WHERE id IN (SELECT id FROM s.c)',
      'models/nested/c.sql': 'MODEL (name s.c, kind VIEW);\nSELECT 2 AS id',
    });
    expect(project.order).toEqual(['s.a', 's.c', 's.b']);
    const b = project.models.get('s.b')!;
    expect(b.parents).toEqual(['s.a', 's.c']);
    expect(b.externals).toEqual(['ext.source']);
    expect(b.references.map((r) => b.query.slice(r.start, r.end))).toEqual(['s.a', '"s"."a"', 'ext.source', 's.c']);
  });

  it('reports a cycle with the models involved', async () => {
    const err = await projects.loadError({
      'models/a.sql': 'MODEL (name s.a, kind FULL);\nSELECT * FROM s.b',
      'models/b.sql': 'MODEL (name s.b, kind FULL);\nSELECT * FROM s.a',
    });
    expect(err.message).toMatch(/cycle: s\.(a|b) -> s\.(a|b) -> s\.(a|b)/);
    expect(err.location?.line).toBe(2);
  });

  it('reports SQL that does not parse at its line and column in the file', async () => {
    const err = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a, kind FULL);\n\nSELECT id,\n  FROM FROM t' });
    expect(err.message).toContain('SQL does not parse');
    expect(err.location).toMatchObject({ file: 'models/a.sql', line: 4 });
    expect(err.exitCode).toBe(2);
  });

  it('reports duplicate model names, missing seeds and unknown macros', async () => {
    expect((await projects.loadError({ 'models/a.sql': 'MODEL (name s.a); SELECT 1', 'models/b.sql': 'MODEL (name s.a); SELECT 2' })).message).toContain('defined twice');
    const seed = await projects.loadError({ 'models/a.sql': "MODEL (name s.a, kind SEED (path '../seeds/nope.csv'));" });
    expect(seed.message).toContain("seed file '../seeds/nope.csv' does not exist");
    expect(seed.location?.file).toBe('models/a.sql');
    const macro = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nSELECT @nope AS x' });
    expect(macro.message).toContain('unknown macro @nope');
    expect(macro.location).toMatchObject({ line: 2, column: 8 });
  });

  it('finds references after multibyte text at the right place', async () => {
    const project = await projects.load({
      'models/a.sql': 'MODEL (name s.a);\nSELECT 1 AS id',
      'models/b.sql': "MODEL (name s.b);\nSELECT 'héllo – ✓' AS greeting, id FROM s.a",
    });
    const b = project.models.get('s.b')!;
    expect(b.query.slice(b.references[0].start, b.references[0].end)).toBe('s.a');
  });

  it('reports a header column the query does not output, at its line', async () => {
    const grain = await projects.loadError({ 'models/a.sql': 'MODEL (\n  name s.a,\n  grain order_idx\n);\nSELECT 1 AS order_id' });
    expect(grain.message).toBe("grain names column 'order_idx', which model s.a does not output");
    expect(grain.location).toMatchObject({ file: 'models/a.sql', line: 3, column: 9 });
    expect(grain.hint).toContain('order_id');
    const time = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a, kind INCREMENTAL_BY_TIME_RANGE (time_column ds));\nSELECT 1 AS d' });
    expect(time.message).toContain("time_column names column 'ds'");
    // Unknown output (SELECT *, UNION BY NAME): nothing to check against.
    await projects.load({ 'models/a.sql': 'MODEL (name s.a, kind FULL, grain (b));\nSELECT 1 AS a UNION ALL BY NAME SELECT 2 AS b' });
    await projects.load({ 'models/a.sql': 'MODEL (name s.a, grain whatever);\nSELECT * FROM ext.t' });
  });
});
