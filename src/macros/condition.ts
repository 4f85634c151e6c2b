import { isOp, isTrivia, isWord, tokenize, type Token } from './tokens.js';

/**
 * Evaluates the SQL that `@IF`, `@FILTER`, `@EVAL` and `@UNION` conditions are written in,
 * after macros in it were expanded. SQLMesh runs these through SQLGlot's Python executor;
 * this covers what its documentation shows: literals, `=`/`!=`/`<>`/`<`/`>`/`<=`/`>=`,
 * `BETWEEN`, `IN (...)`, `IS [NOT] NULL`, `AND`/`OR`/`NOT`, arithmetic, `||`, and a few
 * scalar functions. A column or unknown function is an error: a condition is decided
 * when the model loads, not by the database.
 */
export type SqlValue = number | string | boolean | null;

export class ConditionError extends Error {}

export function evaluateCondition(text: string): SqlValue {
  const tokens = tokenize(text).filter((t) => !isTrivia(t));
  const p = new Parser(tokens, text);
  const v = p.expression(0);
  if (p.pos < tokens.length) throw new ConditionError(`cannot evaluate '${text.trim()}': unexpected '${tokens[p.pos].text}'`);
  return v;
}

/** Python-like truthiness, as SQLMesh's executor applies it to a condition's value. */
export function truthy(v: SqlValue): boolean {
  return v !== null && v !== false && v !== 0 && v !== '';
}

const FUNCTIONS: Record<string, (...a: SqlValue[]) => SqlValue> = {
  UPPER: (s) => (s === null ? null : String(s).toUpperCase()),
  LOWER: (s) => (s === null ? null : String(s).toLowerCase()),
  LENGTH: (s) => (s === null ? null : String(s).length),
  ABS: (n) => (n === null ? null : Math.abs(Number(n))),
  ROUND: (n, d) => (n === null ? null : Number(Number(n).toFixed(Number(d ?? 0)))),
  COALESCE: (...a) => a.find((v) => v !== null) ?? null,
};

class Parser {
  pos = 0;
  constructor(private readonly tokens: Token[], private readonly text: string) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private fail(what: string): never {
    throw new ConditionError(`cannot evaluate '${this.text.trim()}': ${what}`);
  }

  /** Precedence climbing: OR 1, AND 2, NOT 3, comparisons 4, || 5, + - 6, * / % 7. */
  expression(min: number): SqlValue {
    let left = this.unary(min);
    for (;;) {
      const t = this.peek();
      if (!t) return left;
      const kw = t.type === 'word' ? t.text.toUpperCase() : t.type === 'op' ? t.text : '';
      if (kw === 'OR' && min <= 1) {
        this.pos++;
        const right = this.expression(2);
        left = truthy(left) || truthy(right);
      } else if (kw === 'AND' && min <= 2) {
        this.pos++;
        const right = this.expression(3);
        left = truthy(left) && truthy(right);
      } else if (['=', '==', '!=', '<>', '<', '>', '<=', '>='].includes(kw) && min <= 4) {
        this.pos++;
        left = compare(kw, left, this.expression(5));
      } else if ((kw === 'IS' || kw === 'IN' || kw === 'BETWEEN' || kw === 'NOT' || kw === 'LIKE') && min <= 4) {
        left = this.predicate(left);
      } else if (kw === '||' && min <= 5) {
        this.pos++;
        const right = this.expression(6);
        left = left === null || right === null ? null : `${left}${right}`;
      } else if ((kw === '+' || kw === '-') && min <= 6) {
        this.pos++;
        left = arithmetic(kw, left, this.expression(7));
      } else if ((kw === '*' || kw === '/' || kw === '%') && min <= 7) {
        this.pos++;
        left = arithmetic(kw, left, this.expression(8));
      } else return left;
    }
  }

  private predicate(left: SqlValue): SqlValue {
    let negate = false;
    if (isWord(this.peek(), 'IS')) {
      this.pos++;
      if (isWord(this.peek(), 'NOT')) {
        negate = true;
        this.pos++;
      }
      const t = this.peek();
      this.pos++;
      const what = t?.type === 'word' ? t.text.toUpperCase() : '';
      const result = what === 'NULL' ? left === null : what === 'TRUE' ? left === true : what === 'FALSE' ? left === false : this.fail('IS needs NULL, TRUE or FALSE');
      return negate ? !result : result;
    }
    if (isWord(this.peek(), 'NOT')) {
      negate = true;
      this.pos++;
    }
    const t = this.peek();
    this.pos++;
    const what = t?.type === 'word' ? t.text.toUpperCase() : '';
    let result: SqlValue;
    if (what === 'IN') {
      if (!isOp(this.peek(), '(')) this.fail('IN needs a parenthesized list');
      this.pos++;
      const items: SqlValue[] = [];
      while (!isOp(this.peek(), ')')) {
        items.push(this.expression(0));
        if (isOp(this.peek(), ',')) this.pos++;
        else if (!isOp(this.peek(), ')')) this.fail('IN list is not closed');
      }
      this.pos++;
      result = left === null ? null : items.some((v) => compare('=', left, v) === true);
    } else if (what === 'BETWEEN') {
      const low = this.expression(5);
      if (!isWord(this.peek(), 'AND')) this.fail('BETWEEN needs AND');
      this.pos++;
      const high = this.expression(5);
      result = compare('>=', left, low) === true && compare('<=', left, high) === true;
    } else if (what === 'LIKE') {
      const pattern = this.expression(5);
      if (left === null || pattern === null) return null;
      const re = new RegExp(`^${String(pattern).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's');
      result = re.test(String(left));
    } else this.fail(`unexpected '${t?.text ?? 'end'}'`);
    return negate && result !== null ? !result : result;
  }

  private unary(min: number): SqlValue {
    const t = this.peek();
    if (isWord(t, 'NOT')) {
      this.pos++;
      return !truthy(this.expression(Math.max(min, 3)));
    }
    if (isOp(t, '-')) {
      this.pos++;
      const v = this.expression(8);
      return v === null ? null : -Number(v);
    }
    return this.primary();
  }

  private primary(): SqlValue {
    const t = this.peek();
    if (!t) this.fail('it ends too early');
    this.pos++;
    if (t.type === 'number') return Number(t.text);
    if (t.type === 'string') return t.text.slice(1, -1).replace(/''/g, "'");
    if (isOp(t, '(')) {
      const v = this.expression(0);
      if (!isOp(this.peek(), ')')) this.fail('a parenthesis is not closed');
      this.pos++;
      return v;
    }
    if (t.type === 'word') {
      const w = t.text.toUpperCase();
      if (w === 'TRUE') return true;
      if (w === 'FALSE') return false;
      if (w === 'NULL') return null;
      if (isOp(this.peek(), '(') && FUNCTIONS[w]) {
        this.pos++;
        const args: SqlValue[] = [];
        while (!isOp(this.peek(), ')')) {
          args.push(this.expression(0));
          if (isOp(this.peek(), ',')) this.pos++;
          else if (!isOp(this.peek(), ')')) this.fail(`${w}( is not closed`);
        }
        this.pos++;
        return FUNCTIONS[w](...args);
      }
      this.fail(`'${t.text}' is a column or function the macro evaluator does not know; conditions are decided when the model loads`);
    }
    if (t.type === 'macro') this.fail(`@${t.name} has no value when the model loads`);
    return this.fail(`unexpected '${t.text}'`);
  }
}

function compare(op: string, a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  // Python compares across types only for equality (never equal); ordering them is an error.
  if (typeof a !== typeof b && !(typeof a === 'boolean' && typeof b === 'number') && !(typeof a === 'number' && typeof b === 'boolean')) {
    if (op === '=' || op === '==') return false;
    if (op === '!=' || op === '<>') return true;
    throw new ConditionError(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
  }
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  switch (op) {
    case '=':
    case '==':
      return x === y;
    case '!=':
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

function arithmetic(op: string, a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  if (typeof a !== 'number' || typeof b !== 'number') throw new ConditionError(`'${op}' needs numbers, not ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new ConditionError('division by zero');
      return a / b;
    default:
      return a % b;
  }
}

/** A condition's value as SQL, for `@EVAL`. */
export function valueToSql(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}
