import { InputError } from '../errors.js';

/**
 * Functions that act outside the tables a read-only transaction protects: PostgreSQL
 * lets `lo_import` create large objects, `set_config` change settings, `dblink_exec` write
 * through another connection, `pg_terminate_backend` end sessions, all inside READ ONLY.
 */
const SIDE_EFFECT_CALL =
  /(?:^|[^\w$])"?(lo_\w+|lowrite|loread|dblink\w*|set_config|nextval|setval|pg_(?:advisory\w*|try_advisory\w*|terminate_backend|cancel_backend|reload_conf|rotate_logfile|file_\w+|notify|switch_wal|create_restore_point|promote|logical_emit_message|\w*replication_\w+|stat_reset\w*|read_file|read_binary_file|ls_dir|import_system_collations))"?\s*\(/i;

/**
 * Refuses SQL meant to only read (`fetchdf` without `--write`, `table-diff --where`) that
 * calls a function with effects outside the tables (see SIDE_EFFECT_CALL). String literals
 * are ignored; a quoted function name is still a call. The read-only transaction stays
 * the real guard; this makes those calls fail with a clear message instead of relying on
 * the transaction's rollback to undo them.
 * @example refuseSideEffects("lo_import('/etc/passwd') > 0", '--where') // throws InputError
 */
export function refuseSideEffects(sql: string, what: string): void {
  const code = sql.replace(/'(?:[^']|'')*'?/g, "''");
  const m = SIDE_EFFECT_CALL.exec(code);
  if (m) {
    throw new InputError(`${what} calls ${m[1]}(), which acts outside the tables; it runs read-only`, {
      code: 'side_effect_function',
      hint: 'large-object, session, replication, file and sequence functions are refused here',
    });
  }
}
