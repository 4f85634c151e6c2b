import { MacroError, MacroEvaluator, sourceOffset, type Edit, type MacroContext } from './evaluator.js';
import { renderJinjaBlocks } from './jinja.js';
import { RUNTIME_VARIABLES } from './runtime-variables.js';
import { valueSql } from './values.js';
import { isWord, splitTokens, tokenize, TokenError, trimTokens, type Token } from './tokens.js';

/** The statements of a model file after its header, with macros expanded. */
export interface ExpandedModel {
  /** The query with static macros expanded; runtime variables (@start_ds, @this_model, ...) stay as written. */
  query: string;
  /** Offset of the query statement in the text after the header. */
  queryStart: number;
  /** Whether any macro in the query was expanded (else `query` is the statement as written). */
  changed: boolean;
  /** Source offset (in the text after the header) of a position in `query`. */
  sourceOffset(offset: number): number;
  /** Statements before the query (run before each build) and after it. */
  pre: string[];
  post: string[];
  /** Statements between ON_VIRTUAL_UPDATE_BEGIN and ON_VIRTUAL_UPDATE_END: run once the environment's views are swapped. */
  onVirtualUpdate: string[];
}

const QUERY_START = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE']);
const STATEMENT_MACROS = new Set(['def', 'if']);

/**
 * Splits the text after a MODEL header into statements (at top-level `;`), finds the
 * query (the first statement that is a SELECT/WITH/FROM/VALUES/(...) or a macro call
 * other than @DEF/@IF), and expands all of them in order with one evaluator, so @DEFs
 * before the query apply to it and to the statements after it.
 */
export function expandModel(text: string, ctx: MacroContext): ExpandedModel {
  const blueprint = Object.fromEntries(Object.entries(ctx.blueprint ?? {}).map(([k, v]) => [k, valueSql(v).replace(/^'(.*)'$/s, '$1')]));
  const gateway = ctx.statics?.gateway?.replace(/^'(.*)'$/s, '$1').replace(/''/g, "'");
  const jinja = renderJinjaBlocks(text, { variables: ctx.variables, blueprint, onVariable: ctx.onVariable, gateway, macros: ctx.jinjaMacros });
  if (jinja.text === text) return expandStatements(text, ctx);
  // Offsets in the rendered text map back to the file: inside a block, to its BEGIN line.
  try {
    const result = expandStatements(jinja.text, ctx);
    const inner = result.sourceOffset;
    return { ...result, queryStart: jinja.toSource(result.queryStart), sourceOffset: (o) => jinja.toSource(inner(o)), changed: true };
  } catch (err) {
    if (err instanceof MacroError) throw new MacroError(err.message, jinja.toSource(err.offset), err.file);
    throw err;
  }
}

function expandStatements(text: string, ctx: MacroContext): ExpandedModel {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    if (err instanceof TokenError) throw new MacroError(err.message, err.offset);
    throw err;
  }
  const statements = splitTokens(tokens, ';').map(trimTokens).filter((s) => s.length);
  const ev = new MacroEvaluator(ctx);
  const result: ExpandedModel = { query: '', queryStart: 0, changed: false, sourceOffset: (o) => o, pre: [], post: [], onVirtualUpdate: [] };
  // Statements of an ON_VIRTUAL_UPDATE block are never the query.
  const virtual = virtualUpdateBlock(statements);
  let queryIndex = statements.findIndex((st, i) => !virtual.inside(i) && isQuery(st));
  statements.forEach((st, i) => {
    if (st[0].type === 'word' && /^JINJA_(QUERY_BEGIN|STATEMENT_BEGIN|END)$/i.test(st[0].text)) {
      // Whole blocks were rendered (jinja.ts): what is left is a marker without its pair.
      throw new MacroError(`${st[0].text.toUpperCase()} without its pair: a Jinja block is JINJA_QUERY_BEGIN; (or JINJA_STATEMENT_BEGIN;) ... JINJA_END; each on a line of its own`, st[0].start);
    }
    if (i === virtual.begin || i === virtual.end) return;
    if (virtual.inside(i)) {
      const expanded = ev.expand(st, ev.scope).trim();
      if (expanded) result.onVirtualUpdate.push(expanded);
      return;
    }
    if (i === queryIndex) {
      const edits: Edit[] = [];
      ev.keepVarCalls = true;
      result.query = ev.expand(st, ev.scope, edits).trim();
      ev.keepVarCalls = false;
      result.queryStart = st[0].start;
      result.changed = edits.some((e) => text.slice(e.srcStart, e.srcEnd) !== result.query.slice(e.outStart, e.outEnd));
      result.sourceOffset = (o) => sourceOffset(edits, o, st[0].start);
      refuseDeferred(result.query, result.sourceOffset);
      return;
    }
    if (i === queryIndex) queryIndex = -1;
    const expanded = ev.expand(st, ev.scope).trim();
    if (!expanded) return;
    if (queryIndex < 0 || i < queryIndex) result.pre.push(expanded);
    else result.post.push(expanded);
  });
  return result;
}

/**
 * Where the one ON_VIRTUAL_UPDATE_BEGIN; ... ON_VIRTUAL_UPDATE_END; block is (SQLMesh
 * allows one, after the query). A marker without its pair, a second block or a nested
 * BEGIN is an error at the marker.
 */
function virtualUpdateBlock(statements: readonly Token[][]): { begin: number; end: number; inside: (i: number) => boolean } {
  const marker = (st: Token[], word: string) => st.length === 1 && isWord(st[0], word);
  let begin = -1;
  let end = -1;
  statements.forEach((st, i) => {
    if (marker(st, 'ON_VIRTUAL_UPDATE_BEGIN')) {
      if (begin >= 0) throw new MacroError('ON_VIRTUAL_UPDATE_BEGIN: a model has one ON_VIRTUAL_UPDATE block; put all its statements in the first', st[0].start);
      begin = i;
    } else if (marker(st, 'ON_VIRTUAL_UPDATE_END')) {
      if (begin < 0 || end >= 0) throw new MacroError('ON_VIRTUAL_UPDATE_END without an ON_VIRTUAL_UPDATE_BEGIN; before it', st[0].start);
      end = i;
    }
  });
  if (begin >= 0 && end < 0) throw new MacroError('ON_VIRTUAL_UPDATE_BEGIN is never closed: end the block with ON_VIRTUAL_UPDATE_END;', statements[begin][0].start);
  return { begin, end, inside: (i) => i > begin && i < end };
}

function isQuery(st: Token[]): boolean {
  const first = st[0];
  if (first.type === 'word') return QUERY_START.has(first.text.toUpperCase());
  if (first.type === 'op') return first.text === '(';
  return first.type === 'macro' && !first.brace && !STATEMENT_MACROS.has(first.name!.toLowerCase()) && st[1]?.text === '(';
}

/**
 * A @IF whose condition reads @runtime_stage or a time variable is decided when a
 * statement runs; in the query it cannot be, because the query is parsed and
 * fingerprinted before any batch.
 */
function refuseDeferred(query: string, toSource: (o: number) => number): void {
  const leftover = tokenize(query).find((t) => t.type === 'macro' && !RUNTIME_VARIABLES.has(t.name!.toLowerCase()) && t.name!.toLowerCase() !== 'var');
  if (leftover) {
    throw new MacroError(
      `@${leftover.name} depends on a variable known only when the model runs (@runtime_stage or a time variable): in the query, such variables can only be used as values, which are filled in per batch; a condition on them belongs in a statement before or after the query`,
      toSource(leftover.start),
    );
  }
}
