/**
 * JSON with object keys sorted at every level, so equal values always serialize to
 * the same text (fingerprints hash this). Undefined properties are left out.
 *
 * Written directly rather than as JSON.stringify of a sorted copy (fingerprinting a
 * project serializes every model, and the copies were most of its garbage); the text is
 * the same byte for byte, which test/unit/stable-json.test.ts checks against that copy.
 */
export function stableStringify(value: unknown): string {
  return write(value) as string;
}

/** The JSON of `value` with sorted keys; undefined where JSON.stringify leaves it out (undefined, a function, a symbol). */
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  // Index-like keys ("0", "10") print first and in numeric order whatever the insertion
  // order: any key starting with a digit is left to the copy, which settles it as before.
  if (keys.some(startsWithDigit)) return JSON.stringify(sortKeys(value));
  let out = '{';
  for (const key of keys) {
    const v = write((value as Record<string, unknown>)[key]);
    if (v !== undefined) out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + v;
  }
  return out + '}';
}

function startsWithDigit(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** The sorted copy the text is defined by. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
