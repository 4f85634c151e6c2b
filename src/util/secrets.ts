const MASK = '***';

/**
 * Names of settings whose value is a secret, wherever they are written as `name=value`:
 * URL query parameters (`?password=`, `&sslpassword=`) and libpq key/value strings. An
 * `sslkey` is the path of a private key, masked too: it says where the key lives.
 */
const SECRET_KEYS = ['password', 'passwd', 'pwd', 'pass', 'sslpassword', 'sslkey', 'token', 'access_token', 'secret', 'api_key', 'apikey'];

/** Values that are masked anywhere they occur must be this long: shorter ones would mask ordinary text. */
const MIN_FREE_LENGTH = 3;

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s?#]*:)([^@\s/?#]*)@/gi;
const KEY_VALUE = new RegExp(`(^|[^a-z0-9_])(${SECRET_KEYS.join('|')})(\\s*=\\s*)('[^']*'|"[^"]*"|[^\\s&;#'",)]+)`, 'gi');

/**
 * The secret parts of what a URL or connection string spells out, by their place rather
 * than their value: the password of `scheme://user:password@host`, and the value of every
 * secret-bearing `name=value` (query parameters such as `?password=` or `?sslkey=`).
 * Works for secrets of any length, since it never searches for the value itself.
 */
export function redactSecretParts(text: string): string {
  return text.replace(USERINFO, `$1${MASK}@`).replace(KEY_VALUE, `$1$2$3${MASK}`);
}

/**
 * Secret values, masked by `redact` wherever they occur. One registry per CLI run or
 * context (injected, never module state), so a test or library user controls what it masks.
 * @example const secrets = new SecretRegistry(['hunter22']); secrets.redact('pw hunter22') // 'pw ***'
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  /** Remembers values; empty ones are ignored. */
  add(values: Iterable<string>): this {
    for (const v of values) if (v) this.values.add(v);
    return this;
  }

  list(): string[] {
    return [...this.values];
  }

  redact(text: string): string {
    return redact(text, this.values);
  }
}

/**
 * Removes secrets from anything that may be printed, logged or stored: the secret parts of
 * connection URLs and key/value strings (`redactSecretParts`), then every known value.
 * A value of 3 characters or more is masked wherever it occurs, even in text that does
 * not look like a URL (a driver's error, a stack trace); a shorter one ('ab') is masked only
 * where it stands as a secret (after `password=`, or as the whole text), since masking
 * every 'a' would garble the message while hiding nothing.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = redactSecretParts(text);
  // Longest first, so a secret that contains another is masked whole.
  const values = [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const s of values) {
    if (s.length >= MIN_FREE_LENGTH) out = out.split(s).join(MASK);
    else if (out === s) out = MASK;
  }
  return out;
}

/**
 * The secret values a connection URL holds (its password and secret-bearing query
 * parameters), as written and percent-decoded, since a driver may quote either form.
 * @example urlSecrets('postgres://u:p%40ss@h/db?sslpassword=k3y') // ['p%40ss', 'p@ss', 'k3y']
 */
export function urlSecrets(url: string): string[] {
  const raw: string[] = [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s?#]*:([^@\s/?#]*)@/i.exec(url);
  if (userinfo?.[1]) raw.push(userinfo[1]);
  for (const m of url.matchAll(KEY_VALUE)) raw.push(m[4].replace(/^(['"])(.*)\1$/, '$2'));
  const out = new Set<string>();
  for (const r of raw) {
    out.add(r);
    try {
      out.add(decodeURIComponent(r.replace(/\+/g, ' ')));
    } catch {
      // A malformed escape: the raw form is remembered.
    }
  }
  return [...out].filter(Boolean);
}
