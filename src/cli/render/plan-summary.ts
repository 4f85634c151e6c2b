import chalk from 'chalk';
import type { IndirectChange, ModelChange, Plan } from '../../plan/plan.js';
import { backfillJson, backfillNote, migrationLines } from './backfill-summary.js';
import type { ChangeCategory } from '../../snapshot/snapshot.js';
import { modelViewName } from '../../snapshot/virtual-names.js';
import { lazyRequire } from '../../util/lazy-require.js';

// Loaded on first use: only a plan with changes, or a diff, compares texts.
const diff = lazyRequire<typeof import('diff')>('diff');

const categoryColor: Record<ChangeCategory, (s: string) => string> = {
  breaking: chalk.red,
  'non-breaking': chalk.green,
  metadata: chalk.gray,
  'forward-only': chalk.magenta,
};

/** The plan as a person reads it: changes by kind, the diff of each changed model, and the work. */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  const origin = plan.isNewEnvironment
    ? `new environment, from ${plan.base ?? 'an empty project'}`
    : `compared with its current state`;
  lines.push(chalk.bold(`Plan ${plan.id} for environment ${chalk.cyan(plan.environment)} (${origin})`));
  const section = (title: string, rows: string[]) => {
    if (!rows.length) return;
    lines.push('', chalk.bold(title));
    lines.push(...rows.map((r) => `  ${r}`));
  };
  section('Added', plan.added.map((n) => chalk.green(`+ ${n}`)));
  section('Removed', plan.removed.map((n) => chalk.red(`- ${n}`)));
  section('Directly modified', plan.directlyModified.map((c) => `~ ${c.name}  ${categoryColor[c.category](c.category)}${c.category === 'metadata' ? chalk.gray(`  (${metadataReason(c)})`) : ''}`));
  section(
    'Indirectly modified',
    plan.indirectlyModified.map((c) => `~ ${c.name}  ${categoryColor[c.category](c.category)}${chalk.gray(`  (${indirectReason(c)})`)}`),
  );
  section(
    `Kept in step with prod (metadata only, no build): ${plan.caughtUp?.length ?? 0} ${plan.caughtUp?.length === 1 ? 'model reads' : 'models read'} prod's current tables again`,
    (plan.caughtUp ?? []).map((c) => `= ${c.model}${chalk.gray(`  (prod replaced it in plan ${c.since}, ${new Date(c.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`)}`),
  );
  if (!plan.added.length && !plan.removed.length && !plan.directlyModified.length && !plan.indirectlyModified.length && !plan.caughtUp?.length) {
    const base = plan.isNewEnvironment ? plan.base : plan.environment;
    lines.push(
      '',
      plan.builds.length
        ? `No model definition differs from ${base ?? 'the project'}; intervals are missing or restated.`
        : `No model differs from ${base ?? 'the project'}: the environment will read ${base ?? 'its'} tables.`,
    );
  }
  // A metadata change may leave the file as it was: its reason is on its line above, not an empty diff.
  for (const d of plan.diffs.filter((d) => d.before !== d.after)) {
    lines.push('', ...renderDiff(d.file, d.before, d.after));
  }
  lines.push('');
  if (plan.builds.length) {
    lines.push(chalk.bold(`Build ${plan.builds.length} ${plan.builds.length === 1 ? 'table' : 'tables'}:`));
    for (const id of plan.builds) {
      const s = plan.snapshots[id];
      lines.push(`  ${s.name} ${chalk.gray(`-> ${s.physical.schema}.${s.physical.table}`)}${backfillNote(plan, id)}`);
    }
  } else {
    lines.push(chalk.bold('Build nothing: every table this environment needs exists.'));
  }
  lines.push(...migrationLines(plan));
  const { upsert, drop } = plan.viewChanges;
  if (upsert.length || drop.length) {
    const schemas = [...new Set([...upsert.map((n) => modelViewName(n, plan.environment, plan.layout).schema), ...drop.map((n) => modelViewName(n, plan.environment, plan.previousLayout ?? plan.layout).schema)])];
    lines.push(
      chalk.bold(`Update ${upsert.length} ${upsert.length === 1 ? 'view' : 'views'}${drop.length ? `, drop ${drop.length}` : ''}`) +
        (schemas.length ? chalk.gray(` in ${schemas.join(', ')}`) : ''),
    );
  }
  if (plan.previousLayout) {
    lines.push(`Move the views from layout ${plan.previousLayout} to ${plan.layout} (virtualLayout changed), in one transaction.`);
  }
  const sharing = viewSharingLine(plan);
  if (sharing) lines.push(sharing);
  return lines.join('\n');
}

/** Why a change is metadata-only: what changed, and that no table is rebuilt for it. */
/** Why a change that would keep its table builds it again (plan/masked-build.ts): its values were read through masks. */
const REMASKED = 'its table holds values read through masks: built again for this environment';

function indirectReason({ causes, remasked }: IndirectChange): string {
  return [...(causes.length ? [`via ${causes.join(', ')}`] : []), ...(remasked ? [REMASKED] : [])].join('; ');
}

function metadataReason({ changed, remasked }: ModelChange): string {
  const what = changed?.length ? `changed: ${changed.join(', ')}` : 'only how planner records the model changed';
  return `${what}; no data change, ${remasked ? REMASKED : 'nothing rebuilt'}`;
}

function renderDiff(file: string, before: string, after: string): string[] {
  const patch = diff().structuredPatch(file, file, before, after, '', '', { context: 3 });
  const out = [chalk.bold(`${file}`)];
  for (const hunk of patch.hunks) {
    out.push(chalk.cyan(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith('+')) out.push(chalk.green(line));
      else if (line.startsWith('-')) out.push(chalk.red(line));
      else if (!line.startsWith('\\')) out.push(chalk.gray(line));
    }
  }
  return out;
}

/** "12 views: 9 read prod's tables, 3 this environment's own." */
export function viewSharingLine(plan: Plan): string | undefined {
  const s = plan.viewSharing;
  if (!s || !s.with) return undefined;
  const total = s.shared + s.own;
  return chalk.gray(`${total} ${total === 1 ? 'view' : 'views'} in ${plan.environment}: ${s.shared} read ${s.with}'s tables, ${s.own} this environment's own.`);
}

/** The plan as data, for `--json`. */
export function planJson(plan: Plan, seconds?: ReadonlyMap<string, number>): Record<string, unknown> {
  return {
    id: plan.id,
    environment: plan.environment,
    base: plan.base,
    newEnvironment: plan.isNewEnvironment,
    added: plan.added,
    removed: plan.removed,
    directlyModified: plan.directlyModified,
    indirectlyModified: plan.indirectlyModified,
    builds: plan.builds.map((id) => {
      const s = plan.snapshots[id];
      const took = seconds?.get(s.name);
      return { model: s.name, version: s.version, table: `${s.physical.schema}.${s.physical.table}`, kind: s.model.kind.name, ...backfillJson(plan, id), ...(took === undefined ? {} : { seconds: Number(took.toFixed(3)) }) };
    }),
    views: plan.viewChanges,
    layout: plan.layout,
    ...(plan.previousLayout ? { previousLayout: plan.previousLayout } : {}),
    ...(plan.viewSharing ? { viewSharing: plan.viewSharing } : {}),
    ...(plan.caughtUp?.length ? { caughtUp: plan.caughtUp } : {}),
  };
}
