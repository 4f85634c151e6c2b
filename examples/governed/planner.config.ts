// Governed promotion: a sanitized dev, a plan with evidence, an approval by a second person.
export default {
  project: 'governed-example',
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
  // What a sanitized environment's views show instead of these columns. Column lineage
  // carries the masks downstream: customer_revenue.email (c.email) is hashed too.
  masking: {
    'raw.customers.email': 'hash',
    'raw.customers.name': { partial: { first: 1 } },
  },
  environments: {
    // Prod changes only through a saved plan that someone other than its author approved.
    prod: { protected: true, requireApproval: true },
    // Developers never see a customer's email or name; a build may run for 5 minutes at most.
    'dev_*': { ttl: '7d', sanitized: true, policies: { maxBuildMinutes: 5, maxRowsPerModel: 100000 } },
    // A quick look at a change on a deterministic sample (by the hash of each source's grain),
    // sanitized too. 80% because this shop is tiny; 0.01 (1%) is the usual setting.
    // Its tables are versions of their own: nothing built here can reach prod.
    'sample_*': { ttl: '1d', sanitized: true, policies: { sampling: 0.8 } },
  },
};
