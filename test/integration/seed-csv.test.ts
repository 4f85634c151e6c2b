import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

const holidays = `MODEL (
  name raw.holidays,
  kind SEED (path '$root/seeds/holidays.csv', csv_settings (delimiter = "|", quotechar = '''', na_values = ['NA'])),
  columns (day DATE, name VARCHAR, bonus INTEGER)
);`;
const holidaysCsv = "day|name|bonus\n2024-01-01|'New Year|s Day'|100\n2024-12-25|'Christmas'|NA\n";

const rates = `MODEL (name raw.rates, kind SEED (path '$root/seeds/rates.csv', csv_settings (delimiter = ';', skipinitialspace = true, escapechar = '\\')));`;
const ratesCsv = 'code; rate\nEUR; 1.5\nU\\;SD; 2\n';

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`seeds on ${engine.name}`, () => {
    const { setup } = projectsOn(engine);

    it('load with csv_settings: delimiter, quote, escape, initial spaces, NA values', async () => {
      const p = await setup({ 'models/holidays.sql': holidays, 'seeds/holidays.csv': holidaysCsv, 'models/rates.sql': rates, 'seeds/rates.csv': ratesCsv });
      await p.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')));
      expect(await p.sql('SELECT CAST(day AS VARCHAR) AS day, name, bonus FROM raw.holidays ORDER BY day')).toEqual([
        { day: '2024-01-01', name: 'New Year|s Day', bonus: 100 },
        { day: '2024-12-25', name: 'Christmas', bonus: null },
      ]);
      // Types inferred as on PostgreSQL (rate: numeric) on both engines.
      expect(await p.sql('SELECT code, CAST(rate * 10 AS INTEGER) AS tenths FROM raw.rates ORDER BY code')).toEqual([
        { code: 'EUR', tenths: 15 },
        { code: 'U;SD', tenths: 20 },
      ]);
    });

    it.each([
      ['a ragged row', "day|name|bonus\n2024-01-01|'a'|1\n2024-01-02|'b'\n", 'row has 2 fields, the header names 3', 3],
      ['bad quoting', "day|name|bonus\n2024-01-01|'open|1\n", 'a quoted field is not closed', 2],
      ['text after a closing quote', "day|name|bonus\n2024-01-01|'a'b|1\n", 'unexpected text after a closing quote', 2],
      ['a column count other than the declared one', "day|name\n2024-01-01|'a'\n", 'the model declares 3 columns, the seed file has 2', 1],
    ])('refuse %s: exit 2 naming the model, the file and the line, nothing built', async (_what, csv, message, line) => {
      const p = await setup({ 'models/holidays.sql': holidays, 'seeds/holidays.csv': csv });
      const result = await runCli(['plan', '--auto-apply', '-p', p.project.dir]);
      expect(result.code).toBe(2);
      expect(result.text).toContain(`seeds/holidays.csv:${line}`);
      expect(result.text).toContain('seed raw.holidays: ');
      expect(result.text).toContain(message);
      expect((await p.objects()).filter((o) => !o.startsWith('planner_state.'))).toEqual([]);
    });
  });
}
