import { createHash } from 'node:crypto';

/** Hex SHA-256 of the parts joined by NUL, so ('ab','c') and ('a','bc') differ. */
export function hashOf(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

/** A short, readable hash for names: the first `length` hex digits of SHA-256. */
export function shortHash(text: string, length = 8): string {
  return hashOf(text).slice(0, length);
}
