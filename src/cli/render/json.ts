/** Keys that hold a moment: `at`, or a name ending in `At` (createdAt, expiresAt, builtAt). */
const TIME_KEY = /^(at|.+At)$/;

/**
 * A command's --json document. Moments are stored as epoch milliseconds; every --json
 * output gives them as ISO-8601 in UTC instead, whichever layer's object carries them.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (key, v) => (typeof v === 'number' && TIME_KEY.test(key) ? new Date(v).toISOString() : v), 2);
}
