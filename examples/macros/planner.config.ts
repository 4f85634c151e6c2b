// A shop's orders, modelled with SQLMesh's macro language and one TypeScript macro.
export default {
  project: 'macros-example',
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
    // The same models on PostgreSQL (`--gateway team`); the URL comes from the environment:
    //   export PLANNER_PG_URL=postgres://planner:secret@127.0.0.1:5432/shop
    team: { type: 'postgres', url: process.env.PLANNER_PG_URL },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
  // Read in models as @min_amount and @VAR('min_amount').
  variables: { min_amount: 50 },
};
