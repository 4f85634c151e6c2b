import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

export const ENGINES = ['duckdb', 'postgres'] as const;
export type InitEngine = (typeof ENGINES)[number];
export const TEMPLATES = ['empty', 'shop'] as const;
export type InitTemplate = (typeof TEMPLATES)[number];

export interface InitOptions {
  engine: InitEngine;
  template: InitTemplate;
  /** Overwrite files that exist (otherwise nothing is written when one does). */
  force?: boolean;
}

export interface InitResult {
  dir: string;
  /** Paths written, relative to `dir`, sorted. */
  files: string[];
}

/**
 * The package's own folder (two up from src/init/ or dist/init/): the `shop` template is
 * the demo project shipped in it (models/, seeds/, audits/, tests/).
 */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHOP_FOLDERS = ['models', 'seeds', 'audits', 'tests'];

/**
 * Writes a new project into `dir`: planner.config.ts, models/, seeds/, audits/, tests/,
 * .gitignore, and (empty template) a first seed, model and its unit test. Refuses, writing
 * nothing, when any of those exists unless `force`.
 */
export function initProject(dir: string, options: InitOptions): InitResult {
  const root = resolve(dir);
  const files = templateFiles(options.engine, options.template);
  const shop = options.template === 'shop' ? SHOP_FOLDERS : [];
  // An existing .gitignore is kept and gets the lines it lacks; every other file is refused.
  const taken = [...Object.keys(files), ...shop].filter((f) => f !== '.gitignore' && existsSync(join(root, f)));
  if (taken.length && !options.force) {
    throw new InputError(`${root} already has ${taken.join(', ')}; planner init writes nothing over them`, {
      code: 'project_exists',
      hint: 'pass --force to overwrite them, or run planner init in an empty folder',
    });
  }
  mkdirSync(root, { recursive: true });
  const written: string[] = [];
  for (const folder of shop) {
    cpSync(join(PACKAGE_ROOT, folder), join(root, folder), { recursive: true, force: true });
    written.push(`${folder}/`);
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), rel === '.gitignore' ? mergedLines(join(root, rel), text) : text);
    written.push(rel);
  }
  return { dir: root, files: written.sort() };
}

/** `text`'s lines appended to the file's, except those it has already. */
function mergedLines(file: string, text: string): string {
  if (!existsSync(file)) return text;
  const before = readFileSync(file, 'utf8');
  const have = new Set(before.split('\n').map((l) => l.trim()));
  const add = text.split('\n').filter((l) => l.trim() && !have.has(l.trim()));
  return add.length ? `${before.replace(/\n?$/, '\n')}${add.join('\n')}\n` : before;
}

/**
 * A week ago as YYYY-MM-DD (UTC): a new project's models start there, so the first plan
 * is small and already has complete days to build.
 */
function startDate(): string {
  return new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
}

function templateFiles(engine: InitEngine, template: InitTemplate): Record<string, string> {
  const files: Record<string, string> = {
    'planner.config.ts': configFile(engine, template === 'shop' ? '2024-01-01' : startDate()),
    '.gitignore': GITIGNORE,
  };
  if (engine === 'postgres') files['.env.example'] = ENV_EXAMPLE;
  if (template === 'shop') return files;
  return {
    ...files,
    'seeds/greetings.csv': 'id,language,greeting\n1,en,hello\n2,fr,bonjour\n3,de,hallo\n',
    'models/raw/greetings.sql': RAW_MODEL,
    'models/example/greetings.sql': FIRST_MODEL,
    'tests/greetings.yaml': FIRST_TEST,
    'audits/.gitkeep': '',
  };
}

function configFile(engine: InitEngine, start: string): string {
  const gateway =
    engine === 'duckdb'
      ? `    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },`
      : [
          `    // The URL (and its password) comes from the environment or .env, never from this file:`,
          `    //   PLANNER_PG_URL=postgres://USER:PASSWORD@HOST:5432/DATABASE`,
          `    warehouse: { type: 'postgres', url: process.env.PLANNER_PG_URL },`,
        ].join('\n');
  return `// planner project configuration: connections (gateways), model defaults and environment rules.
import { defineConfig } from 'sql-planner';

export default defineConfig({
  gateways: {
${gateway}
  },
  defaultGateway: '${engine === 'duckdb' ? 'local' : 'warehouse'}',
  modelDefaults: { dialect: '${engine}', start: '${start}', cron: '@daily' },
  // Where an environment's views live (prod's are always schema.table):
  //   'schema-suffix'       analytics__dev.customers (one schema per model schema and environment)
  //   'environment-schema'  dev.customers (the whole environment in one schema)
  //   'table-suffix'        analytics.customers__dev (beside prod's views)
  virtualLayout: 'schema-suffix',
  environments: {
    prod: { protected: true },
    'dev_*': { ttl: '7d' },
  },
});
`;
}

const GITIGNORE = `# planner's local warehouse and state (DuckDB files), and secrets
.planner/
*.duckdb
*.duckdb.wal
.env
node_modules/
`;

const ENV_EXAMPLE = `# Copy to .env (which .gitignore keeps out of git) and fill in:
PLANNER_PG_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DATABASE
`;

const RAW_MODEL = `MODEL (
  name raw.greetings,
  kind SEED (path '../../seeds/greetings.csv'),
  description 'Greetings per language, loaded from seeds/greetings.csv',
  grain id,
  columns (id INTEGER, language TEXT, greeting TEXT)
);
`;

const FIRST_MODEL = `MODEL (
  name example.greetings,
  kind FULL,
  description 'Each greeting with its length; edit it and run planner plan dev to see a plan',
  grain id,
  audits (not_null(columns := [id, greeting]))
);

SELECT
  id,
  language,
  greeting,
  LENGTH(greeting) AS letters
FROM raw.greetings;
`;

const FIRST_TEST = `# A unit test: input rows for each model the query reads, and the rows it must return.
# planner test runs it in an in-memory database; planner plan runs it first.
test_greetings_counts_letters:
  model: example.greetings
  inputs:
    raw.greetings:
      rows:
        - {id: 1, language: en, greeting: hello}
        - {id: 2, language: fr, greeting: salut}
  outputs:
    query:
      rows:
        - {id: 1, language: en, greeting: hello, letters: 5}
        - {id: 2, language: fr, greeting: salut, letters: 5}
`;
