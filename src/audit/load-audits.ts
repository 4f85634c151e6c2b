import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { readAuditFile, type AuditDefinition } from '../model/audit-file.js';
import { discoverFiles } from '../model/load-project.js';
import { builtinAudit } from './builtin-audits.js';

export { readAuditFile, type AuditDefinition } from '../model/audit-file.js';

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

/** The audits a model can name: the project's, and its own inline ones, which win (as in SQLMesh). */
export function withInlineAudits(custom: ReadonlyMap<string, AuditDefinition>, inline: readonly AuditDefinition[] | undefined): ReadonlyMap<string, AuditDefinition> {
  return inline?.length ? new Map([...custom, ...inline.map((a) => [a.name, a] as const)]) : custom;
}
