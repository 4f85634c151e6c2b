// planner project configuration for the demo shop: connections (gateways), model defaults and environment rules.
// `defineConfig` only adds types (editor completion); planner resolves the 'planner' import itself when it loads this file.
import { defineConfig } from 'planner';

export default defineConfig({
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
  environments: { prod: { protected: true }, 'dev_*': { ttl: '7d' } },
});
