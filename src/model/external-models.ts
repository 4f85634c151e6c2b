import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Node } from 'yaml';
import { InputError, type SourceLocation } from '../errors.js';
import { isValidIdentifier } from '../util/identifiers.js';
import { lazyRequire } from '../util/lazy-require.js';
import { discoverFiles } from './load-project.js';
import type { ColumnDef } from './model.js';

// Loaded on first use: every command loads the project, and most projects declare no external models.
const yaml = lazyRequire<typeof import('yaml')>('yaml');

/**
 * A table the project reads but does not build, declared in `external_models.yaml` (or
 * `external_models/*.yaml`) in SQLMesh's format: its columns feed column checks, unit
 * tests, rendering and `@STAR`.
 */
export interface ExternalModel {
  /** `schema.table`, lowercase. */
  name: string;
  columns?: ColumnDef[];
  description?: string;
  /** Only plans on this gateway see the declaration. */
  gateway?: string;
  location: SourceLocation;
}

const KEYS = ['name', 'columns', 'description', 'gateway'];

/** The files declaring external models, relative paths first as SQLMesh reads them. */
export function externalModelFiles(root: string): string[] {
  const single = join(root, 'external_models.yaml');
  return [...(existsSync(single) ? [single] : []), ...discoverFiles(join(root, 'external_models'), '.yaml')];
}

/** Reads every declaration of the project; a name declared twice for one gateway is bad input. */
export function loadExternalModels(root: string): Map<string, ExternalModel[]> {
  const out = new Map<string, ExternalModel[]>();
  for (const abs of externalModelFiles(root)) {
    const file = relative(root, abs).split(sep).join('/');
    for (const ext of readExternalModels(readFileSync(abs, 'utf8'), file)) {
      const list = out.get(ext.name) ?? [];
      const twin = list.find((e) => e.gateway === ext.gateway);
      if (twin) throw new InputError(`external model ${ext.name} is declared twice (also at ${twin.location.file}:${twin.location.line})`, { location: ext.location, code: 'invalid_external_model' });
      list.push(ext);
      out.set(ext.name, list);
    }
  }
  return out;
}

/**
 * The declaration of `name` a plan on `gateway` sees: one for that gateway, else one for
 * every gateway; with no gateway (unit tests), any declaration.
 */
export function externalFor(externals: ReadonlyMap<string, ExternalModel[]>, name: string, gateway: string | undefined): ExternalModel | undefined {
  const list = externals.get(name);
  return list?.find((e) => e.gateway === gateway) ?? list?.find((e) => e.gateway === undefined) ?? (gateway === undefined ? list?.[0] : undefined);
}

/** Parses one file: a list of `{name, columns, description, gateway}`. */
export function readExternalModels(text: string, file: string): ExternalModel[] {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const locate = (node: Node | null | undefined): SourceLocation => {
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    return { file, line: pos.line, column: pos.col };
  };
  const fail = (message: string, node?: Node | null): never => {
    throw new InputError(message, { location: locate(node), code: 'invalid_external_model' });
  };
  if (doc.errors.length) {
    const pos = lines.linePos(doc.errors[0].pos[0]);
    throw new InputError(`YAML does not parse: ${doc.errors[0].message.split('\n')[0]}`, { location: { file, line: pos.line, column: pos.col }, code: 'invalid_external_model' });
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) fail('external models are a list of entries with name and columns', doc.contents);
  return (doc.contents as { items: Node[] }).items.map((item) => {
    if (!isMap(item)) fail('each external model is a map with name, columns, description, gateway', item);
    const entries = new Map((item as unknown as { items: { key: Node; value: Node | null }[] }).items.map((p) => [String(isScalar(p.key) ? p.key.value : ''), p]));
    for (const [key, pair] of entries) if (!KEYS.includes(key)) fail(`unknown key '${key}' (known: ${KEYS.join(', ')})`, pair.key);
    const nameNode = entries.get('name')?.value;
    if (!isScalar(nameNode) || typeof nameNode.value !== 'string') return fail('an external model needs a name: schema.table', item);
    const name = tableName(nameNode.value, () => fail(`external model name '${nameNode.value}' must be schema.table (or catalog.schema.table)`, nameNode));
    const columnsNode = entries.get('columns')?.value;
    let columns: ColumnDef[] | undefined;
    if (columnsNode) {
      if (!isMap(columnsNode)) fail('columns maps column names to types', columnsNode);
      columns = (columnsNode as unknown as { items: { key: Node; value: Node | null }[] }).items.map((p) => {
        const col = isScalar(p.key) ? unquote(String(p.key.value)) : '';
        const type = isScalar(p.value) ? String(p.value.value) : '';
        if (!isValidIdentifier(col.toLowerCase()) || !type) fail(`column '${col}' needs a plain name and a type`, p.key);
        return { name: col.toLowerCase(), type };
      });
    }
    const text = (key: string) => {
      const node = entries.get(key)?.value;
      if (node === undefined || node === null) return undefined;
      return isScalar(node) && typeof node.value === 'string' ? node.value : fail(`${key} must be text`, node);
    };
    return { name, columns, description: text('description'), gateway: text('gateway')?.toLowerCase(), location: locate(item) };
  });
}

/**
 * `schema.table` from a declared name; SQLMesh writes `"catalog"."schema"."table"`, and
 * planner works in one database, so a catalog part is dropped.
 */
function tableName(written: string, fail: () => never): string {
  const parts = written.split('.').map(unquote);
  if (parts.length === 3) parts.shift();
  if (parts.length !== 2 || parts.some((p) => !p)) fail();
  return parts.join('.').toLowerCase();
}

function unquote(part: string): string {
  return part.replace(/^[`"]|[`"]$/g, '');
}

/** The YAML text declaring `models` (as `planner create-external-models` writes it), sorted by name. */
export function externalModelsYaml(models: readonly { name: string; columns: ColumnDef[]; gateway?: string }[]): string {
  const entries = [...models]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((m) => ({ name: m.name, columns: Object.fromEntries(m.columns.map((c) => [c.name, c.type])), ...(m.gateway ? { gateway: m.gateway } : {}) }));
  return yaml().stringify(entries);
}
