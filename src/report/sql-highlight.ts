import { esc } from './html.js';

const KEYWORDS = new Set(
  (
    'select from where and or not as on join left right full outer inner cross group by order having limit offset union all ' +
    'distinct case when then else end in is null like between exists with insert into values update set delete create table view ' +
    'cast coalesce over partition rows range preceding following unbounded current row asc desc true false interval using ' +
    'model kind name cron start grain owner description tags columns audits time_column unique_key path batch_size lookback qualify filter'
  ).split(' '),
);

const TOKEN = /(--.*$)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(@[A-Za-z_][A-Za-z0-9_]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|([\s\S])/gy;

/**
 * One line of SQL as HTML with `<span class="k|s|c|n|m">` around keywords, strings,
 * comments, numbers and macros. A line at a time, so a diff can highlight each side's rows;
 * a block comment spanning lines is shown as plain text past its first line.
 */
export function highlightSqlLine(line: string): string {
  let out = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(line); m; m = TOKEN.exec(line)) {
    const [text, comment, str, quoted, macro, num, word] = m;
    if (comment) out += span('c', text);
    else if (str) out += span('s', text);
    else if (quoted) out += esc(text);
    else if (macro) out += span('m', text);
    else if (num) out += span('n', text);
    else if (word) out += KEYWORDS.has(word.toLowerCase()) ? span('k', text) : esc(text);
    else out += esc(text);
  }
  return out;
}

function span(cls: string, text: string): string {
  return `<span class="${cls}">${esc(text)}</span>`;
}
