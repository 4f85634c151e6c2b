// Customer history from a CRM table the project reads but does not build.
export default {
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
};
