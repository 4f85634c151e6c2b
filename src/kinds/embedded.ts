import type { KindStrategy } from './kind-strategy.js';

/** EMBEDDED: no object of its own; its query is inlined as a subquery wherever a child reads it. */
export const embeddedKind: KindStrategy<{ name: 'EMBEDDED' }> = {
  name: 'EMBEDDED',
  properties: { required: [], optional: [] },
  parse: () => ({ name: 'EMBEDDED' }),
  hasQuery: true,
  physical: null,
  reference: 'inline',
  bindsParents: false,
  forwardOnlyKeepsTable: false,
  headerColumns: () => [],
  create: async () => undefined,
  intervals: null,
};
