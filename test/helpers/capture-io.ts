import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that records what a command prints; `answers` are the replies to confirm prompts. */
export function captureIO(options: { interactive?: boolean; answers?: boolean[] } = {}): CliIO & { stdout: string[]; stderr: string[]; questions: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  return {
    stdout,
    stderr,
    questions,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interactive: options.interactive ?? false,
    confirm: async (q) => {
      questions.push(q);
      return answers.shift() ?? false;
    },
    text: () => [...stdout, ...stderr].join('\n'),
  };
}
