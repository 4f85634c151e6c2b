import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { captureIO } from '../helpers/capture-io.js';
import { TempProject } from '../helpers/project.js';

/** Runs the CLI in-process and returns what it printed. */
async function cli(args: string[]) {
  const io = captureIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('CLI habits', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.remove());

  it('prints its version with --version and -V, help with -h, and the short help alone (exit 0)', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    for (const flag of ['--version', '-V']) expect(await cli([flag])).toMatchObject({ code: 0, stdout: version });
    const alone = await cli([]);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toBe('');
    expect(alone.stdout).toContain('planner plan [environment]');
    expect(alone.stdout).toContain('planner COMMAND --help');
    const h = await cli(['plan', '-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--auto-apply');
  });

  it("lists a command's own options before the global ones, and examples, in every command's help", async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      const verb = command.command.split(' ')[0];
      const help = (await cli([verb, '--help'])).stdout;
      expect(help, verb).toContain('Examples:');
      expect(help, verb).toContain(command.examples[0][0].split(' ').slice(0, 2).join(' '));
      const own = help.indexOf('\nOptions:');
      const global = help.indexOf('\nGlobal options:');
      expect(global, verb).toBeGreaterThan(0);
      if (own >= 0) expect(own, verb).toBeLessThan(global);
      // --project is listed once, under the global options.
      expect(help.split('-p, --project').length, verb).toBe(2);
    }
  });

  it('says "did you mean" for a misspelt command or option, exit 2', async () => {
    const cmd = await cli(['plann']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe("error: unknown command 'plann'\nhint: did you mean planner plan?");
    const flag = await cli(['plan', '--auto-aply']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('error: unknown option --auto-aply for planner plan\nhint: did you mean --auto-apply?');
  });

  it('names a missing argument in its own words, with the usage', async () => {
    const r = await cli(['diff']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: planner diff needs ENV_A');
    expect(r.stderr).toContain('hint: usage: planner diff <env_a> [env_b]; e.g. planner diff prod');
    expect((await cli(['table-diff'])).stderr).toContain('error: planner table-diff needs TARGETS');
    const choice = await cli(['dag', '--format', 'png']);
    expect(choice.stderr).toContain("error: --format must be one of text, mermaid, dot; got 'png'");
  });

  it('prints no color codes with --no-color or NO_COLOR, and restores the level after', async () => {
    p = new TempProject();
    const level = chalk.level;
    chalk.level = 1;
    try {
      const colored = await cli(['dag', '--format', 'text', '-p', p.dir]);
      const plain = await cli(['info', '--no-color', '-p', p.dir]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).not.toMatch(/\u001b\[/);
      expect(colored.code).toBe(0);
      process.env.NO_COLOR = '1';
      const env = await cli(['info', '-p', p.dir]);
      expect(env.stdout).not.toMatch(/\u001b\[/);
      delete process.env.NO_COLOR;
      expect((await cli(['info', '-p', p.dir])).stdout).toMatch(/\u001b\[/);
      expect(chalk.level).toBe(1);
    } finally {
      delete process.env.NO_COLOR;
      chalk.level = level;
    }
  });

  it('writes times in --json as ISO-8601 (UTC)', async () => {
    p = new TempProject();
    await p.planAndApply('prod');
    const [prod] = JSON.parse((await cli(['environments', '--json', '-p', p.dir])).stdout).environments;
    expect(prod.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(prod.lastAppliedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(prod.expiresAt).toBeNull();
  });
});
