/**
 * Small scanners over SQL-ish text that respect quotes and brackets: used for macro
 * arguments (`@VAR('a, b', 1)`) and audit arguments (`columns := [a, b]`).
 */

/** Index just past the quoted run that starts at `i` (`'...'` or `"..."`; doubled quotes escape); the text's end if it never closes. */
export function skipQuoted(text: string, i: number): number {
  return quotedEnd(text, i) ?? text.length;
}

/** Index just past the quoted run that starts at `i`, or null when the quote is never closed. */
export function quotedEnd(text: string, i: number): number | null {
  const q = text[i];
  let j = i + 1;
  while (j < text.length) {
    if (text[j] === q) {
      if (text[j + 1] === q) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return null;
}

/** Splits at commas outside quotes, `(...)` and `[...]`; each part trimmed. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') i = skipQuoted(text, i) - 1;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}
