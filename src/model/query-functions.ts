/** Aggregates that collapse rows: a projection using one changes what a query returns. */
export const AGGREGATES: ReadonlySet<string> = new Set([
  'sum', 'count', 'count_star', 'avg', 'mean', 'min', 'max', 'array_agg', 'list', 'string_agg',
  'group_concat', 'listagg', 'first', 'last', 'any_value', 'arg_max', 'arg_min', 'max_by', 'min_by',
  'bool_and', 'bool_or', 'every', 'median', 'mode', 'stddev', 'stddev_pop', 'stddev_samp',
  'variance', 'var_pop', 'var_samp', 'quantile', 'quantile_cont', 'quantile_disc',
  'percentile_cont', 'percentile_disc', 'approx_count_distinct', 'histogram', 'json_agg',
  'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bit_and', 'bit_or', 'bit_xor', 'product', 'fsum', 'sumkahan',
]);

/** Functions that return several rows per input row in a SELECT list: adding one multiplies rows. */
export const SET_RETURNING: ReadonlySet<string> = new Set([
  'unnest', 'generate_series', 'generate_subscripts', 'json_each', 'jsonb_each', 'json_array_elements',
  'jsonb_array_elements', 'json_array_elements_text', 'jsonb_array_elements_text', 'regexp_split_to_table',
  'string_to_table', 'jsonb_object_keys', 'json_object_keys',
]);

/** End offset of a dotted, possibly quoted name starting at `start`, or undefined. */
export function scanQualifiedName(text: string, start: number): number | undefined {
  let i = start;
  for (;;) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      if (i >= text.length) return undefined;
      i++;
    } else {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i, i + 256));
      if (!m) return undefined;
      i += m[0].length;
    }
    const dot = /^\s*\.\s*/.exec(text.slice(i, i + 64));
    if (!dot) return i;
    i += dot[0].length;
  }
}
