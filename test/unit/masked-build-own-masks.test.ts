import { describe, expect, it } from 'vitest';
import type { MaskRule } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import type { Model, ModelKind } from '../../src/model/model.js';
import { ownMasks, sanitizedBuilds, type Sanitized } from '../../src/plan/masked-build.js';
import { shortHash } from '../../src/util/hash.js';
import { stableStringify } from '../../src/util/stable-json.js';

/** What ownMasks reads of a model: its name, kind, file and references. */
function model(name: string, kind: ModelKind, reads: string[] = []): Model {
  const references = reads.map((r) => ({ schema: r.split('.')[0], table: r.split('.')[1], start: 0, end: 0 }));
  return { name, kind, file: `models/${name}.sql`, references, macros: [] } as unknown as Model;
}

const masks: Record<string, Record<string, MaskRule>> = {
  'raw.customers': { email: 'hash', name: 'redact' },
  'analytics.contacts': { email: 'hash', phone: 'redact' },
  'analytics.events': { ds: 'hash', who: 'redact' },
};
const sanitized: Sanitized = sanitizedBuilds({ masks, passedOn: { 'analytics.contacts': ['email'] } }, masks)!;

describe("a masked build's own masks", () => {
  it("are the config's masks of the model, less the columns a parent passes on masked", () => {
    expect(ownMasks(model('raw.customers', { name: 'SEED', path: 'c.csv' }), sanitized)).toEqual({ email: 'hash', name: 'redact' });
    expect(ownMasks(model('analytics.contacts', { name: 'FULL' }), sanitized)).toEqual({ phone: 'redact' });
    expect(ownMasks(model('analytics.other', { name: 'FULL' }), sanitized)).toBeUndefined();
    // A model without an object of its own is never built.
    expect(ownMasks(model('raw.customers', { name: 'EXTERNAL' } as ModelKind), sanitized)).toBeUndefined();
  });

  it('are refused (exit 2) on a column the kind lands batches by, and for a model that reads its own rows', () => {
    const byTime = { name: 'INCREMENTAL_BY_TIME_RANGE', timeColumn: 'ds' } as ModelKind;
    const refusal = (m: Model) => {
      try {
        ownMasks(m, sanitized);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const keyed = refusal(model('analytics.events', byTime));
    expect(keyed).toBeInstanceOf(InputError);
    expect((keyed as InputError).exitCode).toBe(2);
    expect((keyed as InputError).message).toContain("its build masks column 'ds', which its kind's time_column names");
    const byKey = { name: 'INCREMENTAL_BY_UNIQUE_KEY', uniqueKey: ['id'] } as unknown as ModelKind;
    const itself = refusal(model('analytics.events', byKey, ['analytics.events']));
    expect((itself as InputError).message).toContain('it reads its own rows, which its build would mask again (ds, who)');
  });

  it('carry a format in their tag: tables built before builds masked their own columns are never reused', () => {
    expect(sanitized.tag).not.toBe(shortHash(stableStringify(masks), 8));
    expect(sanitized.tag).toMatch(/^[0-9a-f]{8}$/);
  });
});
