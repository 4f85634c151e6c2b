/** Secret values known to this process (gateway passwords), masked by every `redact` call. */
const known = new Set<string>();

/**
 * Remembers secret values so that `redact` masks them wherever they appear, even in
 * text that does not look like a URL (a driver's error message, a stack trace).
 */
export function rememberSecrets(secrets: Iterable<string>): void {
  for (const s of secrets) if (s.length >= 3) known.add(s);
}

/**
 * Removes passwords from anything that may be printed, logged or stored: the password
 * part of connection URLs (`postgres://user:secret@host` -> `postgres://user:***@host`),
 * every secret remembered with `rememberSecrets`, and any known secret value passed in.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@');
  for (const s of [...secrets, ...known]) {
    if (s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}
