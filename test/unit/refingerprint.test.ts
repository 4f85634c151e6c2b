import { afterEach, describe, expect, it } from 'vitest';
import { parseByDialect } from '../../src/model/load-project.js';
import { placeholderQuery } from '../../src/model/macros.js';
import { analyzeQuery } from '../../src/model/query-analysis.js';
import { asPreview, previewId } from '../../src/plan/preview.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { makeSnapshot } from '../../src/snapshot/make-snapshot.js';
import { assertCurrentFingerprints, refingerprint, type QueryAnalysis } from '../../src/snapshot/refingerprint.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

const FILES = {
  'models/raw.sql': `MODEL (name s.raw, kind FULL);\nSELECT id, amount, ts FROM source_table`,
  'models/mid.sql': `MODEL (name s.mid, kind FULL);\nSELECT id, sum(amount) AS total FROM s.raw WHERE ts >= @start_ds GROUP BY id`,
  'models/top.sql': `MODEL (name s.top, kind VIEW);\nSELECT * FROM s.mid WHERE total > @VAR('min', 0)`,
};

/**
 * The project's snapshots as this planner makes them, and the same snapshots as an older
 * format stored them: other fingerprints and ids, the same versions, no format field.
 */
async function storedOld() {
  const project = await projects.load(FILES);
  const fps = fingerprintProject(project);
  const current = new Map<string, Snapshot>();
  const old = new Map<string, Snapshot>();
  const oldIds = new Map<string, string>();
  for (const name of project.order) {
    const model = project.models.get(name)!;
    const { fingerprint } = fps.get(name)!;
    const snap = makeSnapshot(model, fingerprint, `v_${name.slice(2)}`, Object.fromEntries(model.parents.map((p) => [p, fps.get(p)!.id])), undefined, 0);
    current.set(name, snap);
    const stale = { ...fingerprint, data: `old-${fingerprint.data}`, ownData: `old-${fingerprint.ownData}` };
    const { fingerprintFormat: _f, ...rest } = snap;
    const oldSnap: Snapshot = { ...rest, id: `${name}#00000000000000${name.length}`, fingerprint: stale, parents: Object.fromEntries(model.parents.map((p) => [p, oldIds.get(p)!])) };
    oldIds.set(name, oldSnap.id);
    old.set(oldSnap.id, oldSnap);
  }
  return { current, old };
}

async function analyze(snapshots: Iterable<Snapshot>): Promise<Map<string, QueryAnalysis>> {
  const list = [...snapshots];
  const templates = list.map((s) => placeholderQuery(s.model.query, s.model.macros));
  const outcomes = await parseByDialect(list.map((s) => s.model.dialect), templates);
  return new Map(
    list.map((s, i): [string, QueryAnalysis] => {
      const o = outcomes[i];
      return [s.id, o.ok ? analyzeQuery(o.tree, templates[i]) : { error: o.message }];
    }),
  );
}

describe('refingerprint', () => {
  it('gives stored snapshots the ids this planner computes from the files, keeping their versions', async () => {
    const { current, old } = await storedOld();
    const { replaced, skipped } = refingerprint(old, await analyze(old.values()));
    expect(skipped).toEqual([]);
    for (const s of replaced.values()) {
      const now = current.get(s.name)!;
      expect(s.id).toBe(now.id);
      expect(s.fingerprint).toEqual(now.fingerprint);
      expect(s.parents).toEqual(now.parents);
      expect(s.version).toBe(`v_${s.name.slice(2)}`);
      expect(s.fingerprintFormat).toBe(now.fingerprintFormat);
    }
    expect(replaced.size).toBe(3);
  });

  it('keeps a dev preview a preview, and leaves alone what it cannot recompute', async () => {
    const { current, old } = await storedOld();
    const mid = [...old.values()].find((s) => s.name === 's.mid')!;
    const preview = asPreview(mid);
    old.set(preview.id, preview);
    const analyses = await analyze(old.values());
    expect(refingerprint(old, analyses).replaced.get(preview.id)!.id).toBe(previewId(current.get('s.mid')!.id));

    // A query that no longer parses: it and everything below it stay as stored, named.
    analyses.set(mid.id, { error: 'syntax error at or near "x"' });
    const broken = refingerprint(old, analyses);
    expect(broken.skipped.map((s) => s.id).sort()).toEqual([mid.id, [...old.values()].find((s) => s.name === 's.top')!.id].sort());
    expect(broken.skipped.find((s) => s.id === mid.id)!.reason).toContain('its query does not parse: syntax error');
    expect([...broken.replaced.values()].map((s) => s.name).sort()).toEqual(['s.mid', 's.raw']);

    // A parent snapshot missing from state: the child cannot be recomputed.
    old.delete([...old.values()].find((s) => s.name === 's.raw')!.id);
    const orphan = refingerprint(old, await analyze(old.values()));
    expect(orphan.skipped.find((s) => s.id === mid.id)!.reason).toMatch(/^its parent s\.raw: snapshot .* is not in state$/);
  });

  it('lets a plan compare only with snapshots of this format: older ones need migrate, newer ones a newer planner', async () => {
    const { current, old } = await storedOld();
    expect(() => assertCurrentFingerprints(current.values())).not.toThrow();
    expect(() => assertCurrentFingerprints(old.values())).toThrow(expect.objectContaining({ code: 'fingerprints_outdated', exitCode: 2 }));
    const newer = [...current.values()].map((s) => ({ ...s, fingerprintFormat: s.fingerprintFormat! + 1 }));
    expect(() => assertCurrentFingerprints(newer)).toThrow(/fingerprinted by a newer planner/);
  });
});
