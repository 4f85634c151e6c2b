// Two tenants, one project: each tenant's environments live on a gateway of its own.
// acme's warehouse is a DuckDB file; globex's is a PostgreSQL database whose URL (and
// password) comes from the environment or a .env file next to this config:
//   PLANNER_GLOBEX_URL=postgres://planner:secret@127.0.0.1:5432/globex
import { defineConfig } from 'planner';

export default defineConfig({
  gateways: {
    acme: { type: 'duckdb', path: '.planner/acme.duckdb' },
    globex: { type: 'postgres', url: process.env.PLANNER_GLOBEX_URL, poolSize: 2 },
  },
  defaultGateway: 'acme',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily', owner: 'platform_team' },
  // What every environment sees unless its entry says otherwise.
  variables: { min_order_amount: 0 },
  // No `prod` here: the tenants' environments are the live ones (prod stays protected by default).
  environments: {
    // Each tenant's live environment: protected, never expires, its own seeds and rules.
    acme: { gateway: 'acme', protected: true, ttl: 'never', variables: { tenant: 'acme' } },
    globex: { gateway: 'globex', protected: true, ttl: 'never', variables: { tenant: 'globex', min_order_amount: 50 } },
    // Work on a tenant happens next to it, on the same gateway, with the same values.
    'acme_*': { gateway: 'acme', ttl: '3d', variables: { tenant: 'acme' } },
    'globex_*': { gateway: 'globex', ttl: '3d', variables: { tenant: 'globex', min_order_amount: 50 } },
  },
});
