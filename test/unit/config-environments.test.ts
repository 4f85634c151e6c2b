import { describe, expect, it } from 'vitest';
import { environmentSettings, parseDuration } from '../../src/config/environment-settings.js';
import { gatewaySecrets, maskGateway } from '../../src/config/gateway-secrets.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { assertNotProtected } from '../../src/config/protection.js';
import { environmentConfigJson, renderEnvironmentConfig } from '../../src/cli/render/environment-config.js';
import { SecretRegistry } from '../../src/util/secrets.js';

const config = resolveConfig(
  {
    gateways: {
      local: { type: 'duckdb', path: 'w.duckdb' },
      tenants: { type: 'postgres', url: 'postgres://planner:Tenant%2FPass-77@db.example:5432/tenants' },
      staging_db: { type: 'postgres', host: 'db.example', user: 'stage', password: 'Stage-Pass-88', state: { type: 'postgres', url: 'postgres://s:State-Pass-99@db/state' } },
    },
    defaultGateway: 'local',
    variables: { region: 'eu', seed_size: 'full' },
    environments: {
      prod: { protected: true },
      staging: { gateway: 'staging_db', ttl: 'never', variables: { seed_size: 'full' } },
      'dev_*': { ttl: '3d', variables: { seed_size: 'sample' } },
      'dev_team_*': { ttl: '12h' },
      'tenant_*': { gateway: 'tenants', protected: true, ttl: 'never' },
    },
  },
  '/tmp/project',
);

describe('environment settings', () => {
  it("take an environment's readers from access (name, else the most specific pattern), with readRoles kept as an alias", () => {
    const readers = resolveConfig({ access: { 'dev_*': { role: 'analyst_dev' }, dev_lead: { roles: ['lead', 'auditor'] } }, environments: { 'dev_*': { readRoles: ['legacy'] } } }, '/tmp/project');
    expect(environmentSettings(readers, 'dev_alice').readRoles).toEqual(['analyst_dev', 'legacy']);
    expect(environmentSettings(readers, 'dev_lead').readRoles).toEqual(['lead', 'auditor', 'legacy']);
    expect(environmentSettings(readers, 'prod').readRoles).toEqual([]);
  });

  it('give every environment a view of every model unless changedOnly says so (never prod), with the project default under its entry', () => {
    const lean = resolveConfig({ changedOnly: true, environments: { prod: { protected: true }, 'full_*': { changedOnly: false } } }, '/tmp/project');
    expect([environmentSettings(config, 'dev_alice').changedOnly, environmentSettings(lean, 'dev_alice').changedOnly]).toEqual([false, true]);
    expect(environmentSettings(lean, 'full_x').changedOnly).toBe(false);
    expect(environmentSettings(lean, 'prod').changedOnly).toBe(false);
    expect([config.virtualLayout, resolveConfig({ virtualLayout: 'table-suffix' }, '/tmp/project').virtualLayout]).toEqual(['schema-suffix', 'table-suffix']);
  });

  it('resolves exact names, then the most specific pattern, over the defaults', () => {
    expect(environmentSettings(config, 'prod')).toMatchObject({ gateway: 'local', protected: true, ttlMs: null, matchedBy: 'prod' });
    expect(environmentSettings(config, 'staging')).toMatchObject({ gateway: 'staging_db', protected: false, ttlMs: null, variables: { region: 'eu', seed_size: 'full' } });
    expect(environmentSettings(config, 'dev_alice')).toMatchObject({ gateway: 'local', protected: false, ttlMs: 3 * 86400000, variables: { region: 'eu', seed_size: 'sample' }, matchedBy: 'dev_*' });
    expect(environmentSettings(config, 'dev_team_x')).toMatchObject({ ttlMs: 12 * 3600000, matchedBy: 'dev_team_*' });
    expect(environmentSettings(config, 'tenant_acme')).toMatchObject({ gateway: 'tenants', protected: true, ttlMs: null });
    expect(environmentSettings(config, 'feature')).toMatchObject({ gateway: 'local', protected: false, ttlMs: 7 * 86400000, matchedBy: null });
  });

  it('protects prod even when the config does not mention it, unless told otherwise', () => {
    const bare = resolveConfig({ environments: { 'dev_*': { ttl: '1d' } } }, '/tmp/p');
    expect(environmentSettings(bare, 'prod').protected).toBe(true);
    const open = resolveConfig({ environments: { prod: { protected: false } } }, '/tmp/p');
    expect(environmentSettings(open, 'prod').protected).toBe(false);
  });

  it('refuses actions on protected environments and names where the protection comes from', () => {
    expect(() => assertNotProtected(environmentSettings(config, 'tenant_acme'), 'invalidate')).toThrow(/environment 'tenant_acme' is protected: invalidate is refused/);
    try {
      assertNotProtected(environmentSettings(config, 'tenant_acme'), 'invalidate');
    } catch (err) {
      expect((err as { hint: string }).hint).toContain("environments['tenant_*'].protected");
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
    expect(() => assertNotProtected(environmentSettings(config, 'dev_bob'), 'invalidate')).not.toThrow();
  });

  it('parses durations', () => {
    expect(parseDuration('2w')).toBe(14 * 86400000);
    expect(parseDuration('45s')).toBe(45000);
    expect(parseDuration('never')).toBeNull();
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
  });
});

describe('secrets in the config', () => {
  it('collects every password, from settings and URLs, in raw and decoded form', () => {
    expect(gatewaySecrets(config.gateways).sort()).toEqual(['Stage-Pass-88', 'State-Pass-99', 'Tenant%2FPass-77', 'Tenant/Pass-77'].sort());
  });

  it('masks passwords when a gateway is shown, and redact masks remembered secrets anywhere', () => {
    expect(maskGateway(config.gateways.staging_db)).toEqual({
      type: 'postgres',
      host: 'db.example',
      user: 'stage',
      password: '***',
      state: { type: 'postgres', url: 'postgres://s:***@db/state' },
    });
    // resolveConfig lists the secrets, for the registry of the run: a driver message that quotes one is masked.
    expect(new SecretRegistry(config.secrets).redact('auth failed for "Stage-Pass-88" and Tenant/Pass-77')).toBe('auth failed for "***" and ***');
  });

  it('shows the resolved mapping without any password', () => {
    const json = JSON.stringify(environmentConfigJson(config, ['dev_alice', 'tenant_acme', 'staging']));
    const text = renderEnvironmentConfig(config, ['dev_alice', 'tenant_acme']);
    for (const out of [json, text]) {
      for (const secret of ['Stage-Pass-88', 'State-Pass-99', 'Tenant%2FPass-77', 'Tenant/Pass-77']) expect(out).not.toContain(secret);
    }
    const data = environmentConfigJson(config, ['dev_alice', 'tenant_acme']) as { environments: { name: string; gateway: string; protected: boolean; ttl: string }[] };
    // prod and `staging` (named in the config) always show; the others because they were asked for.
    expect(data.environments.map((e) => [e.name, e.gateway, e.protected, e.ttl])).toEqual([
      ['dev_alice', 'local', false, '3d'],
      ['prod', 'local', true, 'never'],
      ['staging', 'staging_db', false, 'never'],
      ['tenant_acme', 'tenants', true, 'never'],
    ]);
    expect(text).toContain('postgres://planner:***@db.example:5432/tenants');
    expect(text).toMatch(/tenant_acme\s+gateway tenants/);
  });
});

describe('prod never expires', () => {
  it("ignores a ttl that a pattern or prod's own entry gives it", async () => {
    const { resolveConfig } = await import('../../src/config/load-config.js');
    const { environmentSettings } = await import('../../src/config/environment-settings.js');
    const config = resolveConfig({ environments: { '*': { ttl: '1s' }, prod: { ttl: '7d' } } }, '/tmp');
    expect(environmentSettings(config, 'prod').ttlMs).toBeNull();
    expect(environmentSettings(config, 'dev').ttlMs).toBe(1000);
  });
});
