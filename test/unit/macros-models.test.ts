import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

const parent = 'MODEL (name s.orders, kind FULL);\nSELECT 1 AS id, 2.5 AS amount, \'x\' AS status';
const addOne = 'export function add_one(evaluator, column) {\n  return `${column} + 1`;\n}\n';

describe('macros in model files', () => {
  it('expands @DEF, @EACH, TypeScript macros and @STAR before parsing; time variables stay for each batch', async () => {
    const project = await projects.load({
      'models/orders.sql': parent,
      'models/wide.sql': [
        'MODEL (name s.wide, kind FULL);',
        '@DEF(statuses, [\'x\', \'y\']);',
        'SELECT @STAR(s.orders, o, exclude := [status]), @add_one(o.id) AS next_id,',
        '  @EACH(@statuses, v -> SUM(CASE WHEN status = v THEN 1 ELSE 0 END) AS n_@v)',
        'FROM s.orders AS o WHERE @start_ds <= \'2030-01-01\' GROUP BY ALL',
      ].join('\n'),
      'macros/util.ts': addOne,
    });
    const wide = project.models.get('s.wide')!;
    expect(wide.query).toBe(
      'SELECT "o"."id" AS "id", "o"."amount" AS "amount", o.id + 1 AS next_id,\n'
      + "  SUM(CASE WHEN status = 'x' THEN 1 ELSE 0 END) AS n_x, SUM(CASE WHEN status = 'y' THEN 1 ELSE 0 END) AS n_y\n"
      + "FROM s.orders AS o WHERE @start_ds <= '2030-01-01' GROUP BY ALL",
    );
    expect(wide.parents).toEqual(['s.orders']);
    expect(wide.macros.map((m) => m.name)).toEqual(['start_ds']);
    expect(wide.shape?.columns).toEqual(['id', 'amount', 'next_id', 'n_x', 'n_y']);
  });

  it('@STAR and @UNION read an external model\'s declared columns', async () => {
    const project = await projects.load({
      'external_models.yaml': '- name: raw.events\n  columns:\n    id: INT\n    kind: TEXT\n- name: raw.old_events\n  columns:\n    id: INT\n    kind: TEXT\n    extra: INT\n',
      'models/e.sql': 'MODEL (name s.e, kind FULL);\nSELECT @STAR(raw.events, exclude := [kind]) FROM raw.events',
      'models/u.sql': 'MODEL (name s.u, kind FULL);\n@UNION(raw.events, raw.old_events)',
    });
    expect(project.models.get('s.e')!.query).toBe('SELECT CAST("events"."id" AS INT) AS "id" FROM raw.events');
    expect(project.models.get('s.u')!.query).toBe('SELECT CAST("id" AS INT) AS "id", CAST("kind" AS TEXT) AS "kind" FROM raw.events UNION ALL SELECT CAST("id" AS INT) AS "id", CAST("kind" AS TEXT) AS "kind" FROM raw.old_events');
    expect(project.models.get('s.u')!.externals).toEqual(['raw.events', 'raw.old_events']);
  });

  it('fingerprints the SQL that runs: a cosmetic macro change changes nothing, a change in what it renders changes only its callers', async () => {
    const files = {
      'models/orders.sql': parent,
      'models/a.sql': 'MODEL (name s.a, kind FULL);\nSELECT @add_one(id) AS x FROM s.orders',
      'models/b.sql': 'MODEL (name s.b, kind FULL);\nSELECT id FROM s.orders',
      'macros/util.ts': addOne,
    };
    const before = await fingerprintProject(await projects.load(files));
    const cosmetic = await fingerprintProject(await projects.load({ ...files, 'macros/util.ts': `// adds one\nexport function add_one(ev, c) { return \`\${c}   +   1\`; }\n` }));
    const changed = await fingerprintProject(await projects.load({ ...files, 'macros/util.ts': 'export function add_one(ev, c) { return `${c} + 2`; }\n' }));
    for (const name of ['s.orders', 's.a', 's.b']) expect(cosmetic.get(name)!.id).toBe(before.get(name)!.id);
    expect(changed.get('s.a')!.id).not.toBe(before.get('s.a')!.id);
    expect(changed.get('s.b')!.id).toBe(before.get('s.b')!.id);
    expect(changed.get('s.orders')!.id).toBe(before.get('s.orders')!.id);
  });

  it('keeps statements around the query in the data hash, on-virtual-update statements in the metadata hash; an unclosed Jinja block is refused', async () => {
    const model = (post: string) => ({
      'models/a.sql': `MODEL (name s.a, kind FULL);\n@DEF(n, 3);\nSET threads = 2;\nSELECT @n AS x;\n${post};`,
    });
    const project = await projects.load(model("@IF(@runtime_stage = 'evaluating', ANALYZE @this_model)"));
    const a = project.models.get('s.a')!;
    expect(a.query).toBe('SELECT 3 AS x');
    expect(a.statements).toEqual({ pre: ['SET threads = 2'], post: ["@IF(@runtime_stage = 'evaluating', ANALYZE @this_model)"] });
    const fp = async (post: string) => (await fingerprintProject(await projects.load(model(post)))).get('s.a')!.fingerprint;
    expect((await fp('ANALYZE')).data).not.toBe((await fp('ANALYZE @this_model')).data);
    const virtual = (grant: string) => ({ 'models/a.sql': `MODEL (name s.a);\n@DEF(role, reader);\nSELECT 1 AS x;\nON_VIRTUAL_UPDATE_BEGIN;\n${grant};\nON_VIRTUAL_UPDATE_END;` });
    const withBlock = (await projects.load(virtual('GRANT SELECT ON @this_model TO @role'))).models.get('s.a')!;
    expect(withBlock.query).toBe('SELECT 1 AS x');
    expect(withBlock.statements).toEqual({ pre: [], post: [], onVirtualUpdate: ['GRANT SELECT ON @this_model TO reader'] });
    const fpOf = async (grant: string) => (await fingerprintProject(await projects.load(virtual(grant)))).get('s.a')!.fingerprint;
    const [one, other] = [await fpOf('GRANT SELECT ON @this_model TO @role'), await fpOf('GRANT SELECT ON @this_model TO writer')];
    expect(one.data).toBe(other.data);
    expect(one.metadata).not.toBe(other.metadata);
    const unclosed = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nSELECT 1 AS x;\nON_VIRTUAL_UPDATE_BEGIN;\nGRANT SELECT ON @this_model TO public;' });
    expect(unclosed.message).toMatch(/^ON_VIRTUAL_UPDATE_BEGIN is never closed/);
    expect(unclosed.location).toMatchObject({ line: 3, column: 1 });
    const stray = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nSELECT 1 AS x;\nON_VIRTUAL_UPDATE_END;' });
    expect(stray.message).toMatch(/^ON_VIRTUAL_UPDATE_END without an ON_VIRTUAL_UPDATE_BEGIN/);
    const jinja = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nJINJA_QUERY_BEGIN;\nSELECT 1' });
    expect(jinja.message).toMatch(/^JINJA_QUERY_BEGIN without its pair/);
  });

  it('blueprints: one file defines a model per entry, its name and query written with the entry\'s variables', async () => {
    const file = [
      'MODEL (',
      '  name @customer.orders,',
      '  kind FULL,',
      "  blueprints ((customer := acme, min_amount := 10, label := 'Acme'), (customer := globex, min_amount := 20, label := 'Globex')),",
      ');',
      "SELECT @label AS label, @{customer}_id AS id, @BLUEPRINT_VAR('min_amount') AS floor FROM raw.@{customer}_orders",
    ].join('\n');
    const project = await projects.load({ 'models/orders.sql': file });
    expect([...project.models.keys()].sort()).toEqual(['acme.orders', 'globex.orders']);
    const acme = project.models.get('acme.orders')!;
    expect(acme.query).toBe("SELECT 'Acme' AS label, acme_id AS id, 10 AS floor FROM raw.acme_orders");
    expect(acme.externals).toEqual(['raw.acme_orders']);
    expect(project.models.get('globex.orders')!.query).toBe("SELECT 'Globex' AS label, globex_id AS id, 20 AS floor FROM raw.globex_orders");
    const fps = await fingerprintProject(project);
    expect(fps.get('acme.orders')!.fingerprint.data).not.toBe(fps.get('globex.orders')!.fingerprint.data);

    const missing = await projects.loadError({ 'models/orders.sql': file.replace('(customer := globex,', '(client := globex,') });
    expect(missing.message).toBe('blueprint 2 has no variable \'customer\' for the model name @customer.orders');
    expect(missing.location).toMatchObject({ file: 'models/orders.sql', line: 2, column: 8 });
    const clash = await projects.loadError({ 'models/orders.sql': file.replace('customer := globex', 'customer := acme') });
    expect(clash.message).toMatch(/^blueprints 1 and 2 both name the model acme\.orders/);
    // Offsets stay the file's: a bad query in a blueprint model is reported where it is written.
    const bad = await projects.loadError({ 'models/orders.sql': file.replace('FROM raw', 'FROM FROM raw') });
    expect(bad.location).toMatchObject({ line: 6 });
  });

  it('renders Jinja blocks with nunjucks before parsing: the rendered SQL is what is fingerprinted; runtime variables stay for each batch', async () => {
    const file = (limit: string) => [
      'MODEL (name s.j, kind INCREMENTAL_BY_TIME_RANGE (time_column d));',
      'JINJA_STATEMENT_BEGIN;',
      "{% for t in ['a', 'b'] %}CREATE TEMP TABLE tmp_{{ t }} AS SELECT 1 AS x;{% endfor %}",
      'JINJA_END;',
      'JINJA_QUERY_BEGIN;',
      "{% set cols = ['id', 'amount'] %}",
      'SELECT {% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}, d',
      "FROM s.orders WHERE d BETWEEN '{{ start_ds }}' AND '{{ end_ds }}'{% if var('limit_rows', 0) > 0 %} LIMIT {{ var('limit_rows') }}{% endif %}",
      'JINJA_END;',
      limit,
    ].join('\n');
    const load = (limit: string, variables = {}) => projects.load({ 'models/orders.sql': 'MODEL (name s.orders, kind FULL);\nSELECT 1 AS id, 2 AS amount, DATE \'2024-01-01\' AS d', 'models/j.sql': file(limit) }, variables);
    const j = (await load('')).models.get('s.j')!;
    expect(j.query).toBe('SELECT id, amount, d\nFROM s.orders WHERE d BETWEEN @start_ds AND @end_ds');
    expect(j.statements?.pre).toEqual(['CREATE TEMP TABLE tmp_a AS SELECT 1 AS x', 'CREATE TEMP TABLE tmp_b AS SELECT 1 AS x']);
    expect(j.parents).toEqual(['s.orders']);
    const limited = await load('', { limit_rows: 5 });
    expect(limited.models.get('s.j')!.query).toMatch(/LIMIT 5$/);
    const fp = async (variables: Record<string, unknown>) => (await fingerprintProject(await load('', variables))).get('s.j')!.fingerprint.data;
    expect(await fp({ limit_rows: 5 })).not.toBe(await fp({}));
    expect(await fp({ unrelated: 1 })).toBe(await fp({}));

    const broken = await projects.loadError({ 'models/j.sql': 'MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\nSELECT 1 AS x\n{% if %}\nJINJA_END;' });
    expect(broken.message).toMatch(/^Jinja: .*unexpected token/);
    expect(broken.location).toMatchObject({ line: 4 });
    const afterBlock = await projects.loadError({ 'models/j.sql': 'MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\nSELECT {{ 1 + 1 }} AS x\nJINJA_END;\n@nope;' });
    expect(afterBlock.message).toMatch(/unknown macro @nope/);
    expect(afterBlock.location).toMatchObject({ line: 5, column: 1 });
  });

  it('reports macro problems at the model file:line:col, naming the macro file', async () => {
    const thrown = await projects.loadError({
      'models/a.sql': 'MODEL (name s.a, kind FULL);\nSELECT\n  @boom(1) AS x',
      'macros/bad.ts': 'export function boom(evaluator, n) { throw new Error(`no ${n}`); }\n',
    });
    expect(thrown.message).toBe('macro @boom (macros/bad.ts) failed: no 1');
    expect(thrown.location).toEqual({ file: 'models/a.sql', line: 3, column: 3 });
    expect(thrown.exitCode).toBe(2);

    const arity = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nSELECT @add_one(1, 2)', 'macros/util.ts': addOne });
    expect(arity.message).toMatch(/@add_one \(macros\/util.ts\) takes 1 argument \(column\), got 2/);

    const compile = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\nSELECT 1', 'macros/broken.ts': 'export function f( {' });
    expect(compile.message).toMatch(/^macro file macros\/broken.ts does not load/);

    const parse = await projects.loadError({ 'models/a.sql': 'MODEL (name s.a);\n@DEF(cols, [a, b]);\nSELECT @EACH(@cols, c -> c +) FROM t' });
    expect(parse.message).toMatch(/SQL does not parse.*after macro expansion/);
    expect(parse.location?.line).toBe(3);

    const deferred = await projects.loadError({ 'models/a.sql': "MODEL (name s.a);\nSELECT 1 AS x @IF(@runtime_stage = 'evaluating', , 2 AS y)" });
    expect(deferred.message).toMatch(/@IF depends on a variable known only when the model runs/);
  });
});
