import { createHash } from 'node:crypto';

/** Hex SHA-256 of the parts joined by NUL, so ('ab','c') and ('a','bc') differ. */
export function hashOf(...parts: string[]): string {
  // One update of the same bytes (each part, then NUL): a call per part cost more than the hashing.
  return createHash('sha256').update(parts.length ? parts.join('\0') + '\0' : '').digest('hex');
}

/** A short, readable hash for names: the first `length` hex digits of SHA-256. */
export function shortHash(text: string, length = 8): string {
  return hashOf(text).slice(0, length);
}
