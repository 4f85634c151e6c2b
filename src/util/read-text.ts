import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';

/**
 * A file's text, as readFileSync(path, 'utf8') gives it. A file of ASCII alone (a cache
 * planner wrote, megabytes of JSON) is decoded as Latin-1, which gives the same string
 * for those bytes: decoding megabytes as UTF-8 cost a no-op plan tens of milliseconds.
 */
export function readText(path: string): string {
  const bytes = readFileSync(path);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
