import { writeFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { renderMarkdown } from '../../report/markdown.js';
import { renderReport } from '../../report/report-html.js';
import type { Review } from '../../report/review.js';
import type { CliIO } from '../io.js';

/** The options plan, diff and table-diff share for showing a review outside the terminal. */
export interface ReviewOutputOptions {
  /** Write a self-contained HTML report to this file. */
  report?: string;
  /** `markdown`: print a pull-request comment instead of the terminal text. */
  format?: 'text' | 'markdown';
  json?: boolean;
}

export const REPORT_OPTION = { type: 'string', describe: 'also write a self-contained HTML report (lineage graph, SQL diffs) to FILE' } as const;
export const FORMAT_OPTION = { choices: ['text', 'markdown'] as const, describe: 'markdown: print a summary made for a pull-request comment' } as const;

/** Whether the command prints markdown; refuses it together with --json. */
export function wantsMarkdown(opts: ReviewOutputOptions): boolean {
  if (opts.format === 'markdown' && opts.json) throw new InputError('--format markdown and --json both choose the output: pass one', { code: 'invalid_option' });
  return opts.format === 'markdown';
}

/**
 * Writes the report file and prints the markdown summary when asked; the review is only
 * gathered when one of them is. Returns true when the markdown replaced the text output.
 */
export async function showReview(opts: ReviewOutputOptions, review: () => Promise<Review>, io: CliIO): Promise<boolean> {
  const markdown = wantsMarkdown(opts);
  if (!opts.report && !markdown) return false;
  const r = await review();
  if (opts.report) {
    writeFileSync(opts.report, await renderReport(r, { generatedAt: new Date() }));
    io.err(`Wrote the report to ${opts.report}`);
  }
  if (markdown) io.out(renderMarkdown(r));
  return markdown;
}
