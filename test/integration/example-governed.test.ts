import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/engines.js';
import { ROOT, TempProject } from '../helpers/project.js';

describe('examples/governed', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.remove());

  it('runs its README: a second person approves, the sanitized dev masks, the sampled one reads its sample, the release is built again for prod', async () => {
    p = new TempProject(join(ROOT, 'examples/governed'), ['models', 'seeds', 'planner.config.ts']);
    const project = p;
    const cli = (...args: string[]) => runCli([...args, '-p', project.dir]);
    const sql = async (q: string) => project.with(async (ctx) => (await ctx.engine.query(q)).rows);
    const first = p.path('first.json');
    expect((await cli('plan', 'prod', '--out', first, '--author', 'alice')).code).toBe(0);
    expect((await cli('apply', first)).code).toBe(1);
    expect((await cli('approve', first, '--by', 'alice')).code).toBe(1);
    expect((await cli('approve', first, '--by', 'bob')).code).toBe(0);
    expect((await cli('apply', first)).code).toBe(0);

    expect((await cli('plan', 'dev_alice', '--yes')).code).toBe(0);
    const dev = await sql('SELECT name, email FROM raw__dev_alice.customers ORDER BY id LIMIT 1');
    expect(dev).toEqual([{ name: 'A***', email: (await sql(`SELECT md5('alice.lefevre@mail.example.org') AS h`))[0].h }]);
    // The config masks raw.customers only: column lineage hashes the email customer_revenue passes on.
    expect(await sql('SELECT email FROM analytics__dev_alice.customer_revenue ORDER BY customer_id LIMIT 1')).toEqual([{ email: dev[0].email }]);

    // The sampled environment: the customers whose id hashes below 80% (1, 2 and 4 of 5), into a table of its own.
    expect((await cli('plan', 'sample_bob', '--yes')).code).toBe(0);
    expect(await sql('SELECT customer_id FROM analytics__sample_bob.customer_revenue ORDER BY 1')).toEqual([{ customer_id: 1 }, { customer_id: 2 }, { customer_id: 4 }]);

    p.edit('models/analytics/customer_revenue.sql', 'ON o.customer_id = c.id', "ON o.customer_id = c.id AND o.status = 'completed'");
    expect((await cli('plan', 'dev_alice', '--yes')).code).toBe(0);
    const release = p.path('release.json');
    expect((await cli('plan', 'prod', '--out', release, '--author', 'alice', '--evidence-from', 'dev_alice')).code).toBe(0);
    expect((await cli('plan', 'prod', '--yes')).code).toBe(1);
    expect((await cli('approve', release, '--by', 'bob')).code).toBe(0);
    const applied = await cli('apply', release);
    // dev_alice's table was built from masked parents: prod computes its own version, with the real emails.
    expect(applied.text).toContain('built 1 table, updated 1 view');
    // What bob approved on stays in state with the approval (the README's `planner environments`).
    expect((await cli('environments')).text).toContain(': 1 directly modified, 0 indirectly modified; evidence from dev_alice: 1 model measured, 2 flags, no audits');
    expect(String((await sql('SELECT email FROM analytics.customer_revenue ORDER BY customer_id LIMIT 1'))[0].email)).toContain('@');
    expect(await sql('SELECT customer_id, orders, revenue FROM analytics.customer_revenue ORDER BY customer_id LIMIT 2')).toEqual([
      { customer_id: 1, orders: 2, revenue: 62.5 },
      { customer_id: 2, orders: 1, revenue: 18 },
    ]);
  });
});
