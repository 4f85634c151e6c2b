import { shortHash } from '../util/hash.js';
import { MAX_IDENTIFIER_BYTES, type TableName } from '../util/identifiers.js';

/**
 * Where a version's data lives: `planner__<schema>.<schema>__<table>__<version>`. Names
 * that would pass PostgreSQL's 63-byte limit are shortened with a hash of the full name,
 * so they stay unique instead of being silently truncated onto each other.
 */
export function physicalTableName(schema: string, table: string, version: string): TableName {
  return {
    schema: fit(`planner__${schema}`, ''),
    table: fit(`${schema}__${table}`, `__${version}`),
  };
}

function fit(base: string, suffix: string): string {
  const full = `${base}${suffix}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const tag = `_${shortHash(base, 8)}`;
  const room = MAX_IDENTIFIER_BYTES - Buffer.byteLength(tag + suffix);
  // Names are validated ASCII, so slicing characters slices bytes.
  return `${base.slice(0, room)}${tag}${suffix}`;
}

/** Versions are short data hashes: 10 hex digits keep names readable and collisions negligible. */
export const VERSION_LENGTH = 10;
