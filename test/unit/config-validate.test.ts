import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveGateway } from '../../src/config/resolve-gateway.js';
import { InputError } from '../../src/errors.js';
import { configProjects } from '../helpers/config-project.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const project = configProjects();

async function configError(body: string): Promise<InputError> {
  try {
    await loadConfig(project(`export default ${body};`));
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('planner.config.ts validation', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown top-level key', `{ gatewayz: {} }`, /unknown config key 'gatewayz'/],
    ['unknown gateway key', `{ gateways: { local: { type: 'duckdb', paht: 'x.duckdb' } } }`, /unknown config key 'gateways\.local\.paht'/],
    ['a PostgreSQL setting on a DuckDB gateway', `{ gateways: { local: { type: 'duckdb', host: 'h' } } }`, /unknown config key 'gateways\.local\.host'/],
    ['missing gateway type', `{ gateways: { local: { path: 'x.duckdb' } } }`, /config key 'gateways\.local\.type' is required/],
    ['unknown gateway type', `{ gateways: { local: { type: 'sqlite' } } }`, /config key 'gateways\.local\.type' must be one of 'duckdb', 'postgres'/],
    ['wrong type of port', `{ gateways: { pg: { type: 'postgres', host: 'h', port: '5432' } } }`, /config key 'gateways\.pg\.port' must be a number/],
    ['state connection key', `{ gateways: { pg: { type: 'postgres', host: 'h', state: { type: 'duckdb', pool: 1 } } } }`, /unknown config key 'gateways\.pg\.state\.pool'/],
    ['unknown default gateway', `{ gateways: { local: { type: 'duckdb' } }, defaultGateway: 'remote' }`, /config key 'defaultGateway' names unknown gateway 'remote'/],
    ['wrong dialect', `{ modelDefaults: { dialect: 'spark' } }`, /config key 'modelDefaults\.dialect' must be one of 'duckdb', 'postgres'/],
    ['bad start date', `{ modelDefaults: { start: 'yesterday' } }`, /config key 'modelDefaults\.start' must be a date/],
    ['unknown model default', `{ modelDefaults: { kind: 'FULL' } }`, /unknown config key 'modelDefaults\.kind'/],
    ['variables not an object', `{ variables: ['a'] }`, /config key 'variables' must be an object/],
    ['variable of a wrong type', `{ variables: { region: () => 1 } }`, /config key 'variables\.region' must be a string, finite number, boolean, null, or a list or object of these/],
    ['a Date inside a list variable', `{ variables: { days: ['a', new Date(0)] } }`, /config key 'variables\.days\[1\]' must be a string, finite number/],
    ['undefined inside an object variable', `{ variables: { flags: { on: true, off: undefined } } }`, /config key 'variables\.flags\.off' must be a string, finite number/],
    ['an undefined variable', `{ variables: { region: undefined } }`, /config key 'variables\.region' must be/],
    ['a non-finite number', `{ variables: { n: Infinity } }`, /config key 'variables\.n' must be a string, finite number/],
    ['bad environment pattern', `{ environments: { 'Dev-*': {} } }`, /config key 'environments\.Dev-\*' is not an environment name or a pattern/],
    ['unknown environment key', `{ environments: { prod: { protect: true } } }`, /unknown config key 'environments\.prod\.protect'/],
    ['wrong type of protected', `{ environments: { prod: { protected: 'yes' } } }`, /config key 'environments\.prod\.protected' must be a boolean/],
    ['bad ttl', `{ environments: { 'dev_*': { ttl: 'a week' } } }`, /config key 'environments\.dev_\*\.ttl' must be a duration/],
    ['environment on an unknown gateway', `{ environments: { 'tenant_*': { gateway: 'nowhere' } } }`, /config key 'environments\.tenant_\*\.gateway' names unknown gateway 'nowhere'/],
    ['environment variable of a wrong type', `{ environments: { dev: { variables: { x: [1, new Map()] } } } }`, /config key 'environments\.dev\.variables\.x\[1\]' must be a string/],
    ['bad state schema', `{ stateSchema: 'State-Schema' }`, /config key 'stateSchema' 'State-Schema' is not a valid name/],
    ['unknown virtual layout', `{ virtualLayout: 'one-schema' }`, /config key 'virtualLayout' must be one of 'schema-suffix', 'environment-schema', 'table-suffix'/],
    ['wrong type of changedOnly', `{ environments: { 'dev_*': { changedOnly: 'yes' } } }`, /config key 'environments\.dev_\*\.changedOnly' must be a boolean/],
    ['unknown mask', `{ masking: { 'raw.customers.email': 'scramble' } }`, /config key 'masking\.raw\.customers\.email' must be/],
    ['mask key not schema.model.column', `{ masking: { 'customers.email': 'hash' } }`, /config key 'masking\.customers\.email' is not a column as schema\.model\.column/],
    ['unknown access key', `{ access: { 'dev_*': { user: 'a' } } }`, /unknown config key 'access\.dev_\*\.user'/],
    ['access role that is not a name', `{ access: { 'dev_*': { role: 'analyst; drop' } } }`, /config key 'access\.dev_\*\.role' must be a role name/],
    ['not an object', `42`, /config key '\(root\)' must be an object/],
  ];
  it('accepts lists and objects of scalars as variables, nested, as SQLMesh does', async () => {
    const config = await loadConfig(project(`export default { variables: { values: ['a', 'b'], flags: { on: true, n: [1, 2.5, null] } }, environments: { dev: { variables: { values: [] } } } };`));
    expect(config.variables).toEqual({ values: ['a', 'b'], flags: { on: true, n: [1, 2.5, null] } });
  });

  for (const [what, body, message] of cases) {
    it(`names the key: ${what}`, async () => {
      const err = await configError(body);
      expect(err.message).toMatch(message);
      expect(err.exitCode).toBe(2);
      expect(err.location?.file).toMatch(/planner\.config\.ts$/);
    });
  }

  it("accepts a full config written with defineConfig imported from 'planner', and applies defaults", async () => {
    const dir = project(`
      import { defineConfig } from 'planner';
      export default defineConfig({
        gateways: { local: { type: 'duckdb', path: 'w.duckdb' }, team: { type: 'postgres', url: process.env.TEAM_URL, poolSize: 2 } },
        defaultGateway: 'local',
        modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily', owner: 'data' },
        variables: { region: 'eu', min_amount: 0 },
        environments: { prod: { protected: true }, staging: { gateway: 'team', ttl: 'never' }, 'dev_*': { ttl: '7d', variables: { min_amount: 10 } } },
      });`);
    const config = await loadConfig(dir);
    expect(config.defaultGateway).toBe('local');
    expect(config.modelDefaults).toEqual({ dialect: 'duckdb', start: '2024-01-01', cron: '@daily', owner: 'data' });
    expect(config.environments.staging.gateway).toBe('team');
    expect(config.stateSchema).toBe('planner_state');
  });

  it('reads secrets from .env without overriding variables already set, and names an unset URL only when the gateway is used', async () => {
    process.env.PLANNER_CFG_TEST_PRESET = 'from-process';
    const dir = project(
      `export default { gateways: { local: { type: 'duckdb' }, team: { type: 'postgres', url: process.env.PLANNER_CFG_TEST_URL }, other: { type: 'postgres', url: process.env.PLANNER_CFG_TEST_UNSET } }, variables: { preset: process.env.PLANNER_CFG_TEST_PRESET } };`,
      `# comment\nexport PLANNER_CFG_TEST_URL="postgres://u:pw-from-dotenv@127.0.0.1:5432/db"\nPLANNER_CFG_TEST_PRESET=from-dotenv\n`,
    );
    const config = await loadConfig(dir);
    expect(config.gateways.team).toEqual({ type: 'postgres', url: 'postgres://u:pw-from-dotenv@127.0.0.1:5432/db' });
    expect(config.variables.preset).toBe('from-process');
    expect(resolveGateway(config, 'team').type).toBe('postgres');
    expect(() => resolveGateway(config, 'other')).toThrow(/config key 'gateways\.other' has neither 'url' nor 'host'/);
    expect(() => resolveGateway(config, 'missing')).toThrow(/unknown gateway 'missing'/);
    delete process.env.PLANNER_CFG_TEST_URL;
    delete process.env.PLANNER_CFG_TEST_PRESET;
  });

  it('keeps .env out of process.env: an object config sees it while it loads, a function config gets it as env', async () => {
    const dotEnv = `PLANNER_CFG_ENV_URL=postgres://u:pw@127.0.0.1:5432/db\nPLANNER_CFG_ENV_NAME='from dotenv'\n`;
    const objectDir = project(`export default { gateways: { team: { type: 'postgres', url: process.env.PLANNER_CFG_ENV_URL } } };`, dotEnv);
    expect((await loadConfig(objectDir)).gateways.team).toEqual({ type: 'postgres', url: 'postgres://u:pw@127.0.0.1:5432/db' });
    const fnDir = project(
      `import { defineConfig } from 'planner';\nexport default defineConfig(({ env }) => ({ gateways: { team: { type: 'postgres', url: env.PLANNER_CFG_ENV_URL } }, variables: { name: env.PLANNER_CFG_ENV_NAME } }));`,
      dotEnv,
    );
    const config = await loadConfig(fnDir);
    expect([config.gateways.team, config.variables.name]).toEqual([{ type: 'postgres', url: 'postgres://u:pw@127.0.0.1:5432/db' }, 'from dotenv']);
    expect([process.env.PLANNER_CFG_ENV_URL, process.env.PLANNER_CFG_ENV_NAME]).toEqual([undefined, undefined]);
  });

  it('without a config file, uses one DuckDB gateway and protects prod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planner-config-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'models'));
    const config = await loadConfig(dir);
    expect(config.gateways).toEqual({ local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } });
    expect(config.environments).toEqual({ prod: { protected: true } });
  });
});
