import { createInterface } from 'node:readline/promises';

/**
 * Everything a command does with the outside world, injected so tests call commands
 * directly with no terminal: output streams, whether a person is there, and the prompt.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** A person is at a terminal: prompts and progress are allowed. */
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** Redraws one status line in place (a progress bar); '' clears it. Absent off a terminal. */
  status?(line: string): void;
}

export function processIO(): CliIO {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    interactive,
    ...(process.stderr.isTTY ? { status: (line: string) => process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 100) - 1)}`) } : {}),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        const answer = await rl.question(`${question} [y/n]: `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}
