import type { Options } from 'yargs';

/** `--select` and `--exclude`, declared once for every command that takes a set of models (grammar: model/selectors.ts). */
export const SELECT_OPTION = {
  type: 'string',
  array: true,
  describe: "only these models: NAME, 'schema.*', tag:NAME, +NAME (with upstream), NAME+ (with downstream); several are a union",
} as const satisfies Options;

export const EXCLUDE_OPTION = {
  type: 'string',
  array: true,
  describe: 'leave these models out (same selectors as --select)',
} as const satisfies Options;
