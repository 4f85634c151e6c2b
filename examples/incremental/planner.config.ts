// An event stream: raw events -> daily incremental aggregates -> a FULL mart.
// Everything runs daily; intervals start on 2024-03-01, the first day of the stream.
export default {
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
};
