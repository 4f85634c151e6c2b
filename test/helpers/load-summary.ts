import type { Project } from '../../src/model/load-project.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';

/** Every model's id and query, to compare loads (with and without the caches). */
export const summary = (p: Project) => JSON.stringify([...fingerprintProject(p)].map(([name, { id }]) => [name, id, p.models.get(name)!.query]));

/** Each model's query, by name: a poisoned cache entry shows in it. */
export const queries = (p: Project) => Object.fromEntries([...p.models].map(([n, m]) => [n, m.query]));

/** The fake query the cache tests write into entries, to tell a hit from a load. */
export const POISON = 'SELECT 666 AS poisoned';
