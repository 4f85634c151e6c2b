import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

const fingerprints = async (files: Record<string, string>, variables: Record<string, unknown> = {}) =>
  fingerprintProject(await projects.load(files, variables));

const parent = `MODEL (name s.parent, kind FULL);\nSELECT id, amount FROM raw_source WHERE amount > 0`;
const child = `MODEL (name s.child, kind FULL);\nSELECT id, sum(amount) AS total FROM s.parent GROUP BY id`;

describe('fingerprints', () => {
  it('ignore whitespace, comments and keyword case', async () => {
    const a = await fingerprints({ 'models/parent.sql': parent, 'models/child.sql': child });
    const b = await fingerprints({
      'models/parent.sql': `-- the parent\nMODEL (\n  name s.parent,\n  kind FULL\n);\n\nselect   id,\n  amount -- money\nfrom raw_source\nwhere amount > 0;\n`,
      'models/child.sql': `MODEL (name s.child, kind full);\n/* totals */ SELECT id, SUM(amount) AS total\nFROM s.parent GROUP BY id`,
    });
    expect(b.get('s.parent')).toEqual(a.get('s.parent'));
    expect(b.get('s.child')).toEqual(a.get('s.child'));
  });

  it("change a child's data hash when its parent changes, but not its own definition hash", async () => {
    const a = await fingerprints({ 'models/parent.sql': parent, 'models/child.sql': child });
    const b = await fingerprints({ 'models/parent.sql': parent.replace('> 0', '> 10'), 'models/child.sql': child });
    expect(b.get('s.parent')!.fingerprint.data).not.toBe(a.get('s.parent')!.fingerprint.data);
    expect(b.get('s.child')!.fingerprint.data).not.toBe(a.get('s.child')!.fingerprint.data);
    expect(b.get('s.child')!.fingerprint.ownData).toBe(a.get('s.child')!.fingerprint.ownData);
    expect(b.get('s.child')!.id).not.toBe(a.get('s.child')!.id);
  });

  it('take the partition key a time-range model adds to partitioned_by into the data hash, and nothing where partitioned_by is absent', async () => {
    const timed = (extra: string, props = '') =>
      `MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column ds${extra}), start '2024-01-01'${props});\nSELECT ds, region FROM raw_source`;
    const data = async (text: string) => (await fingerprints({ 'models/t.sql': text })).get('s.t')!.fingerprint;
    // Unpartitioned: partition_by_time_column is metadata only (it lays nothing out).
    const [plain, plainOff] = [await data(timed('')), await data(timed(', partition_by_time_column false'))];
    expect(plainOff.data).toBe(plain.data);
    expect(plainOff.metadata).not.toBe(plain.metadata);
    // Partitioned: it decides whether ds leads the key (SQLMesh: partitioned_by, with the time column, is data).
    const [on, off] = [await data(timed('', ', partitioned_by region')), await data(timed(', partition_by_time_column false', ', partitioned_by region'))];
    expect(off.data).not.toBe(on.data);
    // Naming the time column in partitioned_by leaves nothing to add.
    const [named, namedOff] = [await data(timed('', ', partitioned_by (ds, region)')), await data(timed(', partition_by_time_column false', ', partitioned_by (ds, region)'))];
    expect(namedOff.data).toBe(named.data);
  });

  it('keep data apart from metadata', async () => {
    const a = await fingerprints({ 'models/parent.sql': parent });
    const b = await fingerprints({ 'models/parent.sql': parent.replace('kind FULL', "kind FULL, owner someone, description 'x'") });
    expect(b.get('s.parent')!.fingerprint.data).toBe(a.get('s.parent')!.fingerprint.data);
    expect(b.get('s.parent')!.fingerprint.metadata).not.toBe(a.get('s.parent')!.fingerprint.metadata);
  });

  it('change with a literal, an identifier or a variable value the query uses', async () => {
    const withVar = `MODEL (name s.v, kind FULL);\nSELECT * FROM raw_source WHERE region = @VAR('region', 'eu')`;
    const base = await fingerprints({ 'models/v.sql': withVar });
    const other = await fingerprints({ 'models/v.sql': withVar }, { region: 'us' });
    const unused = await fingerprints({ 'models/v.sql': withVar }, { unrelated: 1 });
    const otherDefault = await fingerprints({ 'models/v.sql': withVar.replace("'eu'", "'us'") });
    expect(other.get('s.v')!.id).not.toBe(base.get('s.v')!.id);
    expect(unused.get('s.v')!.id).toBe(base.get('s.v')!.id);
    expect(otherDefault.get('s.v')!.id).not.toBe(base.get('s.v')!.id);
  });

  it("include a FULL model's start only when its query reads @start_*", async () => {
    const plain = (start: string) => `MODEL (name s.f, kind FULL, start '${start}');\nSELECT 1 AS x`;
    const dated = (start: string) => `MODEL (name s.f, kind FULL, start '${start}');\nSELECT * FROM raw_source WHERE d >= @start_ds`;
    const [p1, p2, d1, d2] = await Promise.all([plain('2024-01-01'), plain('2024-02-01'), dated('2024-01-01'), dated('2024-02-01')].map((t) => fingerprints({ 'models/f.sql': t })));
    expect(p2.get('s.f')!.fingerprint.data).toBe(p1.get('s.f')!.fingerprint.data);
    expect(d2.get('s.f')!.fingerprint.data).not.toBe(d1.get('s.f')!.fingerprint.data);
  });
});
