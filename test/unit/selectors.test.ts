import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { graphOf, parseSelector, selectModels } from '../../src/model/selectors.js';

// raw.a -> staging.a -> analytics.x <- staging.b <- raw.b ; analytics.x -> mart.y
const graph = graphOf([
  { name: 'raw.a', parents: [], tags: [] },
  { name: 'raw.b', parents: [], tags: ['slow'] },
  { name: 'staging.a', parents: ['raw.a'], tags: ['finance'] },
  { name: 'staging.b', parents: ['raw.b'], tags: [] },
  { name: 'analytics.x', parents: ['staging.a', 'staging.b'], tags: ['finance', 'daily'] },
  { name: 'mart.y', parents: ['analytics.x'], tags: [] },
]);
const pick = (select: string[], exclude?: string[]) => [...selectModels(graph, select, exclude)].sort();

describe('model selectors', () => {
  it('reads names, globs, tags and the + marks', () => {
    expect(parseSelector('+analytics.x+')).toMatchObject({ upstream: true, downstream: true, match: { pattern: 'analytics.x' } });
    expect(parseSelector('tag:Finance')).toMatchObject({ upstream: false, match: { tag: 'finance' } });
    expect(() => parseSelector('analytics.x;drop')).toThrow(InputError);
    expect(() => parseSelector('tag:')).toThrow(/a tag is/);
  });

  it('selects one model, a glob, a tag, upstream and downstream', () => {
    expect(pick(['staging.a'])).toEqual(['staging.a']);
    expect(pick(['staging.*'])).toEqual(['staging.a', 'staging.b']);
    expect(pick(['STAGING.?'])).toEqual(['staging.a', 'staging.b']);
    expect(pick(['tag:finance'])).toEqual(['analytics.x', 'staging.a']);
    expect(pick(['+analytics.x'])).toEqual(['analytics.x', 'raw.a', 'raw.b', 'staging.a', 'staging.b']);
    expect(pick(['raw.a+'])).toEqual(['analytics.x', 'mart.y', 'raw.a', 'staging.a']);
    expect(pick(['+staging.a+'])).toEqual(['analytics.x', 'mart.y', 'raw.a', 'staging.a']);
  });

  it('takes several selectors as a union, in one value or many, and removes what --exclude names', () => {
    expect(pick(['raw.a', 'mart.y'])).toEqual(['mart.y', 'raw.a']);
    expect(pick(['raw.a mart.y,staging.b'])).toEqual(['mart.y', 'raw.a', 'staging.b']);
    expect(pick([], ['tag:slow', 'mart.*'])).toEqual(['analytics.x', 'raw.a', 'staging.a', 'staging.b']);
    expect(pick(['+analytics.x'], ['raw.*'])).toEqual(['analytics.x', 'staging.a', 'staging.b']);
  });

  it('refuses a selector that matches nothing, with a did-you-mean (exit 2)', () => {
    const miss = (select: string[], exclude?: string[]) => {
      try {
        selectModels(graph, select, exclude);
      } catch (err) {
        return err as InputError;
      }
      throw new Error('no error');
    };
    expect(miss(['analytics.xx'])).toMatchObject({ exitCode: 2, code: 'unknown_model', message: "--select 'analytics.xx' matches no model", hint: 'did you mean analytics.x?' });
    expect(miss(['tag:finanse']).hint).toBe('did you mean tag:finance?');
    expect(miss(['nothing.*']).hint).toMatch(/schemas: analytics, mart, raw, staging/);
    expect(miss([], ['mart.z']).message).toBe("--exclude 'mart.z' matches no model");
  });
});
