import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

const items = `MODEL (name core.items, kind FULL, audits (price_is_positive, below(threshold := 100)));
SELECT id, price FROM raw.items;

AUDIT (name price_is_positive);
SELECT * FROM @this_model WHERE price <= 0;

AUDIT (name below, blocking false);
SELECT * FROM @this_model WHERE price >= @threshold
`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`AUDIT blocks inside a model file on ${engine.name}`, () => {
    const { setup } = projectsOn(engine);

    it('run after the build: a non-blocking one warns, a blocking one stops the apply before the views change', async () => {
      const p = await setup({ 'models/items.sql': items });
      await p.sql('CREATE SCHEMA raw');
      await p.sql('CREATE TABLE raw.items (id INTEGER, price INTEGER)');
      await p.sql('INSERT INTO raw.items VALUES (1, 5), (2, 150)');
      const first = await runCli(['plan', '--auto-apply', '-p', p.project.dir]);
      expect(first.code).toBe(0);
      expect(first.text).toContain('below');
      expect(await p.sql('SELECT id, price FROM core.items ORDER BY id')).toEqual([
        { id: 1, price: 5 },
        { id: 2, price: 150 },
      ]);

      await p.sql('INSERT INTO raw.items VALUES (3, -1)');
      p.project.edit('models/items.sql', 'SELECT id, price FROM', 'SELECT id, price, price * 2 AS doubled FROM');
      const second = await runCli(['plan', '--auto-apply', '-p', p.project.dir]);
      expect(second.code).toBe(1);
      expect(second.text).toContain('price_is_positive');
      // The environment still reads the first version.
      expect(await p.sql('SELECT * FROM core.items ORDER BY id')).toEqual([
        { id: 1, price: 5 },
        { id: 2, price: 150 },
      ]);
    });
  });
}

describe('AUDIT blocks inside a model file that are bad input', () => {
  const { setup } = projectsOn(engineCases({ available: false, note: '' })[0]);
  it.each([
    ['an unknown property', items.replace('AUDIT (name below, blocking false)', 'AUDIT (name below, blockng false)'), "unknown AUDIT property 'blockng'", 'models/items.sql:7:20'],
    ['a name defined twice', items.replace('AUDIT (name below', 'AUDIT (name price_is_positive'), 'audit price_is_positive is defined twice', 'models/items.sql:7:13'],
    ['the name of a built-in audit', items.replace('(price_is_positive,', '(not_null(columns := [id]),').replace('AUDIT (name price_is_positive)', 'AUDIT (name not_null)'), 'has the name of a built-in audit', 'models/items.sql:4:8'],
  ])('refuses %s with exit 2 at its place', async (_what, text, message, at) => {
    const p = await setup({ 'models/items.sql': text });
    const result = await runCli(['plan', '--auto-apply', '-p', p.project.dir]);
    expect(result.code).toBe(2);
    expect(result.text).toContain(message);
    expect(result.text).toContain(at);
  });
});
