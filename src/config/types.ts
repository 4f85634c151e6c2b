import type { ValidationThresholds } from '../governance/metrics.js';
import type { VirtualLayout } from '../util/virtual-layouts.js';

/** A DuckDB database file (or `:memory:`). `path` is relative to the project folder. */
export interface DuckDBGatewayConfig {
  type: 'duckdb';
  path?: string;
  /** Where state lives; defaults to the gateway's own database. */
  state?: GatewayConnectionConfig;
}

/** A PostgreSQL server. Pass the URL from an environment variable; its password is never printed. */
export interface PostgresGatewayConfig {
  type: 'postgres';
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  state?: GatewayConnectionConfig;
}

export type GatewayConnectionConfig = DuckDBGatewayConfig | PostgresGatewayConfig;
export type GatewayConfig = GatewayConnectionConfig;

export type Dialect = 'duckdb' | 'postgres';

export interface ModelDefaults {
  dialect?: Dialect;
  start?: string;
  cron?: string;
  owner?: string;
  /**
   * SQLMesh's model_defaults pre_statements / post_statements / on_virtual_update: run
   * around every model's query (and at its virtual update) before the model's own.
   */
  preStatements?: string[];
  postStatements?: string[];
  onVirtualUpdate?: string[];
}

export interface EnvironmentConfig {
  gateway?: string;
  /** How long a non-prod environment lives after its last apply, e.g. '7d', '12h'. */
  ttl?: string;
  protected?: boolean;
  variables?: Record<string, unknown>;
  /** Limits on what plans and runs of the environment may do. */
  policies?: EnvironmentPolicies;
  /** Views only for the models this environment changes, instead of one for every model (the default). */
  changedOnly?: boolean;
  /** `planner apply FILE` applies only a saved plan someone approved (`planner approve FILE`); plain `plan --auto-apply` is refused. */
  requireApproval?: boolean;
  /** Let the plan's author approve it (default: a second person must). */
  allowSelfApproval?: boolean;
  /** The environment's views apply the config's `masking` (never prod unless set). */
  sanitized?: boolean;
  /** PostgreSQL roles `planner grants` lets read the environment's views (and nothing else); the same as top-level `access`, which is the documented form. */
  readRoles?: string[];
}

/** The readers of an environment: one `role` or several `roles`. */
export interface EnvironmentAccess {
  role?: string;
  roles?: string[];
}

/**
 * How a masked column reads in a sanitized environment: `hash` (md5 of its text), `redact`
 * (a fixed text), `null`, `partial` (keep the first/last characters), or a SQL expression
 * over the model's columns.
 */
export type MaskRule = 'hash' | 'redact' | 'null' | { partial: { first?: number; last?: number } } | { expr: string };

/** Runtime policies of an environment (or a pattern of them). */
export interface EnvironmentPolicies {
  /** A build whose table would hold more rows is rolled back before it becomes visible. */
  maxRowsPerModel?: number;
  /** Longest a model's build may run (minutes); past it the statement is cancelled and nothing is recorded. */
  maxBuildMinutes?: number;
  /** The gateways the environment may be planned, run or applied on. */
  allowedGateways?: string[];
  /**
   * Models built for the environment read this fraction (0.01: 1%) of each SEED or EXTERNAL
   * source, the rows whose grain hashes lowest, the same on every build (not for prod).
   */
  sampling?: number;
}

/** What `planner.config.ts` default-exports. */
export interface PlannerConfig {
  gateways?: Record<string, GatewayConfig>;
  defaultGateway?: string;
  modelDefaults?: ModelDefaults;
  variables?: Record<string, unknown>;
  /** Keyed by environment name or a pattern with `*` (`dev_*`). */
  environments?: Record<string, EnvironmentConfig>;
  /** Schema holding the planner's state tables (default `planner_state`). */
  stateSchema?: string;
  /** How far validation metrics may move before `planner validate` flags them. */
  validation?: Partial<ValidationThresholds>;
  /** The project's name, recorded in the state it owns (default: package.json's name, else the folder's). */
  project?: string;
  /**
   * Whether other projects may use this project's state: `true` for any, or the names of
   * the projects that share it. By default a state belongs to the project that created it.
   */
  sharedState?: boolean | string[];
  /** Where environments' views live: 'schema-suffix' (default), 'environment-schema' or 'table-suffix'. */
  virtualLayout?: VirtualLayout;
  /** Project-wide default of `environments.<name>.changedOnly`. */
  changedOnly?: boolean;
  /** Column masks of sanitized environments, keyed `schema.model.column`. */
  masking?: Record<string, MaskRule>;
  /** Who reads each environment (name or pattern such as `dev_*`): PostgreSQL roles granted its views only (`planner grants`, and every apply). */
  access?: Record<string, EnvironmentAccess>;
  /** SQL (macros allowed) run once per apply before anything is built, and after the views are swapped (SQLMesh's before_all / after_all). */
  beforeAll?: string[];
  afterAll?: string[];
}

/** The config after defaults are applied. */
export interface ResolvedConfig {
  projectDir: string;
  configFile?: string;
  gateways: Record<string, GatewayConfig>;
  defaultGateway: string;
  modelDefaults: Required<Pick<ModelDefaults, 'dialect' | 'cron'>> & ModelDefaults;
  variables: Record<string, unknown>;
  environments: Record<string, EnvironmentConfig>;
  stateSchema: string;
  validation: Partial<ValidationThresholds>;
  project: string;
  sharedState: boolean | string[];
  /** The gateways' secret values (passwords, secret URL parts), for a SecretRegistry. */
  secrets: string[];
  virtualLayout: VirtualLayout;
  changedOnly: boolean;
  masking: Record<string, MaskRule>;
  access: Record<string, EnvironmentAccess>;
  beforeAll: string[];
  afterAll: string[];
}
