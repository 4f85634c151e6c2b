import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { parseHeader, PhraseReader } from '../model/header-parser.js';
import { discoverFiles } from '../model/load-project.js';
import { lineColumn } from '../util/text-position.js';
import { builtinAudit } from './builtin-audits.js';

/** A custom audit from `audits/*.sql`: a query that returns the bad rows of `@this_model`. */
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
 * Reads every custom audit under `audits/`. A file may hold several, each an
 * `AUDIT (name n, blocking true|false);` header followed by its query. Names must be
 * unique and must not shadow a built-in audit.
 */
export function loadAudits(projectDir: string): Map<string, AuditDefinition> {
  const out = new Map<string, AuditDefinition>();
  for (const abs of discoverFiles(join(projectDir, 'audits'), '.sql')) {
    const file = relative(projectDir, abs).split(sep).join('/');
    for (const def of readAuditFile(readFileSync(abs, 'utf8'), file)) {
      const existing = out.get(def.audit.name);
      if (existing || builtinAudit(def.audit.name)) {
        throw new InputError(`audit ${def.audit.name} is defined twice (${existing ? `also in ${existing.file}` : 'it is a built-in audit'})`, {
          location: { file, ...def.at },
          code: 'invalid_audit',
        });
      }
      out.set(def.audit.name, def.audit);
    }
  }
  return out;
}

/** The audits of one file, with the position of each name for error messages. */
export function readAuditFile(source: string, file: string): { audit: AuditDefinition; at: { line: number; column: number } }[] {
  const out: { audit: AuditDefinition; at: { line: number; column: number } }[] = [];
  let start = 0;
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
