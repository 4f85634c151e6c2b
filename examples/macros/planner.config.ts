// A shop's orders, modelled with SQLMesh's macro language and one TypeScript macro.
export default {
  project: 'macros-example',
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
  // Read in models as @min_amount and @VAR('min_amount').
  variables: { min_amount: 50 },
};
