import { afterEach, describe, expect, it } from 'vitest';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

const model = (blueprints: string) => `MODEL (\n  name @customer.totals,\n  kind FULL,\n  blueprints ${blueprints}\n);\nSELECT @customer AS c, @BLUEPRINT_VAR('n', 0) AS n`;

describe('blueprints made by a macro (SQLMesh: `blueprints @gen_blueprints()`, `blueprints @EACH(...)`)', () => {
  it('@EACH over a config variable, as SQLMesh\'s documentation writes it', async () => {
    const project = await projects.load({ 'models/t.sql': model('@EACH(@values, x -> (customer := schema_@x))') }, { values: ['a', 'b'] });
    expect([...project.models.keys()].sort()).toEqual(['schema_a.totals', 'schema_b.totals']);
    expect(project.models.get('schema_b.totals')!.query).toBe('SELECT schema_b AS c, 0 AS n');
  });

  it('a TypeScript macro returning the list\'s text, or a list of entries', async () => {
    const text = await projects.load({
      'models/t.sql': model('@gen_blueprints()'),
      'macros/gen.ts': 'export function gen_blueprints(evaluator) {\n  return "((customer := c1, n := 1), (customer := c2, n := 2))";\n}\n',
    });
    expect(text.models.get('c2.totals')!.query).toBe('SELECT c2 AS c, 2 AS n');
    const list = await projects.load({
      'models/t.sql': model("@from_list(['north', 'south'])"),
      'macros/gen.ts': 'export function from_list(evaluator, names) {\n  return names.items.map((n, i) => `(customer := ${n.name}, n := ${i + 1})`);\n}\n',
    });
    expect([...list.models.keys()].sort()).toEqual(['north.totals', 'south.totals']);
    expect(list.models.get('south.totals')!.query).toBe('SELECT south AS c, 2 AS n');
  });

  it('a macro that fails, or returns what is not a list of entries, exits 2 at the blueprints property', async () => {
    const unknown = await projects.loadError({ 'models/t.sql': model('@nope()') });
    expect(unknown.message).toMatch(/^blueprints: unknown macro @nope/);
    expect(unknown.location).toMatchObject({ file: 'models/t.sql', line: 4, column: 14 });
    const shape = await projects.loadError({ 'models/t.sql': model('@EACH([1, 2], x -> x)') });
    expect(shape.exitCode).toBe(2);
    expect(shape.location).toMatchObject({ file: 'models/t.sql', line: 4 });
  });
});
