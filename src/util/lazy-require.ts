import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded on its first use rather than when the module naming it loads: for the
 * libraries only some commands or projects need (the CLI pays at startup for every module
 * imported at the top, `planner --version` included). The library must offer CommonJS.
 * @example const yaml = lazyRequire<typeof import('yaml')>('yaml'); yaml().parse(text)
 */
export function lazyRequire<T>(id: string): () => T {
  let lib: T | undefined;
  return () => (lib ??= require(id) as T);
}
