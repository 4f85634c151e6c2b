import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { breakOrderTotals, everything } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

describe('lifecycle commands refuse bad input with exit 2 and change nothing', () => {
  let p: TempProject;
  beforeAll(async () => {
    p = new TempProject();
    await p.planAndApply('prod');
    breakOrderTotals(p);
    await p.planAndApply('dev');
  });
  afterAll(() => p.remove());

  const cases: [string, string[], RegExp][] = [
    ['unknown model', ['render', 'analytics.nope'], /unknown model 'analytics\.nope'/],
    ['model without schema', ['render', 'customers'], /did you mean analytics\.customers, raw\.customers, staging\.customers\?/],
    ['unknown environment to diff', ['diff', 'staging', 'prod'], /unknown environment 'staging'[\s\S]*known environments: dev, prod/],
    ['unknown environment to invalidate', ['invalidate', 'staging'], /unknown environment 'staging'[\s\S]*known environments: dev, prod/],
    ['unknown environment to verify', ['verify', 'staging'], /unknown environment 'staging'/],
    ['unknown environment to render for', ['render', 'analytics.customers', '--env', 'staging'], /unknown environment 'staging'/],
    ['invalid name to invalidate', ['invalidate', 'Dev-1;drop'], /invalid environment name 'Dev-1;drop'/],
    ['invalid name to diff', ['diff', 'dev', 'Dev-1;drop'], /invalid environment name 'Dev-1;drop'/],
    ['invalid name to render for', ['render', 'analytics.customers', '--env', 'Dev-1;drop'], /invalid environment name/],
    ['invalid name to verify', ['verify', 'Dev-1;drop'], /invalid environment name/],
    ['prod to invalidate', ['invalidate', 'prod'], /environment 'prod' cannot be invalidated/],
    ['unknown dag format', ['dag', '--format', 'png'], /--format must be one of text, mermaid, dot; got 'png'/],
    ['a date that is not one', ['render', 'analytics.customers', '--start', '2024-13-01', '--end', '2024-01-02'], /--start '2024-13-01' is not a date/],
  ];

  it.each(cases)('%s', async (_what, args, message) => {
    const before = await everything(p);
    const io = captureIO();
    expect(await main([...args, '-p', p.dir], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
    expect(await everything(p)).toEqual(before);
  });

  it('reports an expired environment as gone, with how to bring it back', async () => {
    const io = captureIO();
    const copy = new TempProject();
    try {
      await copy.planAndApply('prod');
      await copy.planAndApply('dev', { includeUnmodified: true });
      expect(await main(['invalidate', 'dev', '-p', copy.dir], captureIO())).toBe(0);
      const before = await everything(copy);
      expect(await main(['diff', 'dev', 'prod', '-p', copy.dir], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/environment 'dev' expired at [\s\S]*planner plan dev/);
      expect(await everything(copy)).toEqual(before);
    } finally {
      copy.remove();
    }
  });
});
