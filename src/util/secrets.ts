/**
 * Removes passwords from anything that may be printed, logged or stored: the password
 * part of connection URLs (`postgres://user:secret@host` -> `postgres://user:***@host`)
 * and any known secret value passed in.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@');
  for (const s of secrets) {
    if (s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}
