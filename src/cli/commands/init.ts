import chalk from 'chalk';
import { relative } from 'node:path';
import { ENGINES, initProject, TEMPLATES } from '../../init/project-template.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface InitCommandOptions extends GlobalOptions {
  engine?: (typeof ENGINES)[number];
  template?: (typeof TEMPLATES)[number];
  force?: boolean;
}

/** `planner init [--engine E] [--template T] [--force]`: a new project in the project folder. */
export async function initCommand(opts: InitCommandOptions, io: CliIO): Promise<number> {
  const engine = opts.engine ?? 'duckdb';
  const result = initProject(opts.project, { engine, template: opts.template ?? 'empty', force: opts.force });
  if (opts.json) {
    io.out(jsonText({ ...result, engine, template: opts.template ?? 'empty' }));
    return 0;
  }
  const rel = relative(process.cwd(), result.dir);
  const where = rel.startsWith('..') ? result.dir : rel || '.';
  io.out(`Created a ${engine} project in ${where}:`);
  for (const f of result.files) io.out(`  ${f}`);
  const cd = where === '.' ? '' : `cd ${where} && `;
  io.out(chalk.bold('\nNext:'));
  if (engine === 'postgres') io.out('  cp .env.example .env   # and put your PostgreSQL URL in it');
  io.out(`  ${cd}npx planner plan --auto-apply   # run the unit tests, build prod`);
  io.out(`  npx planner fetchdf 'SELECT * FROM ${opts.template === 'shop' ? 'analytics.daily_revenue LIMIT 5' : 'example.greetings'}'`);
  return 0;
}

export const initSpec = defineCommand({
  command: 'init',
  describe: 'create a new project here (or in --project DIR): config, models, seeds, audits, tests',
  examples: [
    ['planner init', 'a DuckDB project with a first model and its unit test'],
    ['planner init --engine postgres --template shop -p shop', 'the demo shop on PostgreSQL, in folder shop/'],
  ],
  builder: (y) =>
    y
      .option('engine', { choices: ENGINES, describe: 'warehouse engine (default duckdb)' })
      .option('template', { choices: TEMPLATES, describe: 'empty: one seed, one model, one test; shop: the demo shop (default empty)' })
      .option('force', { type: 'boolean', describe: 'overwrite files that exist' }),
  handler: (args, io) => initCommand(args, io),
});
