import { InputError } from '../errors.js';
import type { Project } from '../model/load-project.js';
import { outputColumnsOf, unknownColumn } from '../model/check-columns.js';
import type { Model } from '../model/model.js';
import { lineColumn } from '../util/text-position.js';
import { listItems } from './audit-args.js';
import { AuditCompileError, compileAudit } from './audit-query.js';
import { builtinAudit } from './builtin-audits.js';
import { loadAudits, withInlineAudits, type AuditDefinition } from './load-audits.js';

const CHECK_TIMES = { start: new Date(0), end: new Date(86400000), execution: new Date(86400000) };

/**
 * Checks at plan time that every audit named in a model header exists and gets the
 * arguments it needs, so a typo is one clear error before anything is built rather than
 * a failure halfway through an apply. Returns the custom audits it read.
 */
export function validateProjectAudits(project: Project, projectDir: string): Map<string, AuditDefinition> {
  const usesCustom = [...project.models.values()].some((m) => m.audits.some((a) => !builtinAudit(a.name)));
  const custom = usesCustom ? loadAudits(projectDir) : new Map<string, AuditDefinition>();
  for (const model of project.models.values()) {
    // Only audits read the columns; most models have none.
    const known = model.audits.length ? outputColumnsOf(model) : null;
    for (const audit of model.inlineAudits ?? []) {
      if (builtinAudit(audit.name)) {
        const at = model.source.search(new RegExp(`\\bname\\s+${audit.name}\\b`, 'i'));
        throw new InputError(`model ${model.name}: inline audit ${audit.name} has the name of a built-in audit`, { location: { file: model.file, ...lineColumn(model.source, Math.max(at, 0)) }, code: 'invalid_audit' });
      }
    }
    const defined = withInlineAudits(custom, model.inlineAudits);
    for (const ref of model.audits) {
      if (known && builtinAudit(ref.name)) checkAuditColumns(model, ref.args, known);
      try {
        compileAudit(ref, defined, { table: '"audit_check"."audit_check"', times: CHECK_TIMES, variables: model.variables, dialect: model.dialect });
      } catch (err) {
        if (!(err instanceof AuditCompileError)) throw err;
        const at = auditPosition(model.source, ref.name);
        throw new InputError(`model ${model.name}: ${err.message}`, { location: { file: model.file, ...lineColumn(model.source, at) }, code: 'invalid_audit' });
      }
    }
  }
  return custom;
}

/** Where the audit is named in the header (the `audits` property), for the error's line. */
function auditPosition(source: string, name: string): number {
  const audits = /\baudits\b/i.exec(source)?.index ?? 0;
  const found = source.toLowerCase().indexOf(name.toLowerCase(), audits);
  return found < 0 ? audits : found;
}

/** A built-in audit's `column`/`columns` arguments must name columns the model outputs. */
function checkAuditColumns(model: Model, args: Record<string, string>, known: string[]): void {
  for (const arg of ['column', 'columns']) {
    if (args[arg] === undefined) continue;
    for (const item of listItems(args[arg])) {
      const name = item.trim().replace(/^"(.*)"$/, '$1');
      if (!known.includes(name.toLowerCase())) throw unknownColumn(model, 'audits', name, known);
    }
  }
}
