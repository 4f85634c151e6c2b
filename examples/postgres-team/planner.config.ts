// A team on one PostgreSQL warehouse: prod plus one environment per developer.
// The URL (and its password) comes from the environment, never from this file:
//   export PLANNER_PG_URL=postgres://planner:secret@127.0.0.1:5432/warehouse
export default {
  gateways: {
    team: {
      type: 'postgres',
      url: process.env.PLANNER_PG_URL,
      poolSize: 4,
      // Several warehouses can share one state database:
      // state: { type: 'postgres', url: process.env.PLANNER_STATE_URL },
    },
  },
  defaultGateway: 'team',
  modelDefaults: { dialect: 'postgres', start: '2024-01-01', cron: '@daily' },
  environments: {
    prod: { protected: true },
    'dev_*': { ttl: '7d' },
  },
};
