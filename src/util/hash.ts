import * as crypto from 'node:crypto';

/** Node's one-shot hash (Node 20.12+): no Hash object per call, which fingerprinting makes thousands of. */
const oneShot: ((algorithm: string, data: string, encoding: 'hex') => string) | undefined = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Hex SHA-256 of the parts joined by NUL, so ('ab','c') and ('a','bc') differ. */
export function hashOf(...parts: string[]): string {
  // The same bytes (each part, then NUL) hashed at once: a call per part cost more than the hashing.
  const text = parts.length ? parts.join('\0') + '\0' : '';
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/** A short, readable hash for names: the first `length` hex digits of SHA-256. */
export function shortHash(text: string, length = 8): string {
  return hashOf(text).slice(0, length);
}
