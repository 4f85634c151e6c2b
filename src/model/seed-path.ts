import { InputError, type SourceLocation } from '../errors.js';

/**
 * `@VAR(name)` or `@VAR(name, default)` in a SEED's path, so one model reads a different
 * CSV per environment: `path '../seeds/customers_@VAR(seed_size, full).csv'` reads
 * `customers_sample.csv` where `seed_size` is `sample`. Quotes around the name and the
 * default are optional (`@VAR("seed_size", "full")`); single quotes would end the path.
 */
const VAR_IN_PATH = /@VAR\(\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*(?:,\s*"?([^")]*?)"?\s*)?\)/gi;

/** A value must stay one path segment: no separators, no `..`. */
const SAFE_VALUE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The path with every @VAR replaced by its value in `variables`, else its default. */
export function resolveSeedPath(path: string, variables: Record<string, unknown>, location: SourceLocation): string {
  return path.replace(VAR_IN_PATH, (_m, name: string, fallback: string | undefined) => {
    const value = variables[name] ?? fallback;
    if (value === undefined || value === null || value === '') {
      throw new InputError(`seed path uses variable '${name}', which is not set and has no default`, {
        location,
        code: 'missing_variable',
        hint: `set variables.${name} in planner.config.ts (or per environment), or write @VAR(${name}, default)`,
      });
    }
    const text = String(value);
    if (!SAFE_VALUE.test(text) || text.includes('..')) {
      throw new InputError(`variable '${name}' in a seed path must be letters, digits, '_', '-' or '.', not '${text}'`, { location, code: 'invalid_variable' });
    }
    return text;
  });
}
