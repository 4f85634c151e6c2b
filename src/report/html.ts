/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A DOM id / CSS-safe token for a model name (`analytics.customers` -> `m-analytics-customers`). */
export function anchor(name: string): string {
  return `m-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
