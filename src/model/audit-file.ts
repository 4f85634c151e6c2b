import { parseHeader, PhraseReader } from './header-parser.js';
import { lineColumn } from '../util/text-position.js';

/** A custom audit (`audits/*.sql`, or inline in a model file): a query that returns the bad rows of `@this_model`. */
export interface AuditDefinition {
  name: string;
  /** Path relative to the project, for messages. */
  file: string;
  query: string;
  /** A failing blocking audit stops the apply before any view is swapped (default true). */
  blocking: boolean;
  /** `skip true`: the audit is defined but never run. */
  skip: boolean;
  description?: string;
}

const PROPERTIES = new Set(['name', 'blocking', 'skip', 'dialect', 'description']);
const NEXT_AUDIT = /^[ \t]*AUDIT\s*\(/im;

/**
 * Where a model file's inline audits start (SQLMesh: `AUDIT (name x); SELECT ...` after
 * the model's query), or -1: the first line after `from` that opens an AUDIT header.
 */
export function inlineAuditsStart(source: string, from: number): number {
  const next = NEXT_AUDIT.exec(source.slice(from));
  return next ? from + next.index : -1;
}

/** The audits of one file (from offset `from` on), with the position of each name for error messages. */
export function readAuditFile(source: string, file: string, from = 0): { audit: AuditDefinition; at: { line: number; column: number } }[] {
  const out: { audit: AuditDefinition; at: { line: number; column: number } }[] = [];
  let start = from;
  while (start < source.length && source.slice(start).trim()) {
    // Blank out what came before so positions (and so lines in errors) stay the file's own.
    const masked = source.slice(0, start).replace(/[^\n]/g, ' ') + source.slice(start);
    const header = parseHeader(masked, file, 'AUDIT');
    const r = new PhraseReader(masked, file);
    for (const [key, p] of header.properties) {
      if (!PROPERTIES.has(key)) r.fail(`unknown AUDIT property '${key}' (known: ${[...PROPERTIES].join(', ')})`, p.keyStart);
    }
    const nameP = header.properties.get('name') ?? r.fail('AUDIT has no name', start);
    const name = r.scalar(nameP, 'name').toLowerCase();
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) r.fail(`audit name '${name}' must be lowercase letters, digits and underscores`, nameP.start);
    const rest = source.slice(header.end);
    const next = NEXT_AUDIT.exec(rest);
    const body = next ? rest.slice(0, next.index) : rest;
    const query = body.trim().replace(/[\s;]*$/, '');
    if (!query) r.fail(`audit ${name} has no query after its AUDIT (...) header`, header.end);
    const flag = (k: string, fallback: boolean) => (header.properties.has(k) ? r.boolean(header.properties.get(k)!, k) : fallback);
    const description = header.properties.get('description');
    out.push({
      audit: {
        name,
        file,
        query,
        blocking: flag('blocking', true),
        skip: flag('skip', false),
        description: description ? r.scalar(description, 'description') : undefined,
      },
      at: lineColumn(source, nameP.start),
    });
    start = next ? header.end + next.index : source.length;
  }
  return out;
}
