import type { KindStrategy } from './kind-strategy.js';

/** EXTERNAL: a table the planner does not manage; children read it by the name written. */
export const externalKind: KindStrategy<{ name: 'EXTERNAL' }> = {
  name: 'EXTERNAL',
  properties: { required: [], optional: [] },
  parse: () => ({ name: 'EXTERNAL' }),
  hasQuery: false,
  physical: null,
  reference: 'as-written',
  bindsParents: false,
  forwardOnlyKeepsTable: false,
  headerColumns: () => [],
  create: async () => undefined,
  intervals: null,
};
