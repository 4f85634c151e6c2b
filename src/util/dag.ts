/**
 * Topological order of a graph given as node -> parents. Parents come before children;
 * ties keep the order of `nodes`, so the result is deterministic.
 * Returns the cycle (as a closed path of nodes) instead when there is one.
 */
export function topologicalOrder(
  nodes: readonly string[],
  parentsOf: (node: string) => readonly string[],
): { order: string[] } | { cycle: string[] } {
  const known = new Set(nodes);
  const indegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    indegree.set(n, 0);
    children.set(n, []);
  }
  for (const n of nodes) {
    for (const p of parentsOf(n)) {
      if (!known.has(p)) continue;
      indegree.set(n, indegree.get(n)! + 1);
      children.get(p)!.push(n);
    }
  }
  const queue = nodes.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i];
    order.push(n);
    for (const c of children.get(n)!) {
      const d = indegree.get(c)! - 1;
      indegree.set(c, d);
      if (d === 0) queue.push(c);
    }
  }
  if (order.length === nodes.length) return { order };
  return { cycle: findCycle(nodes.filter((n) => indegree.get(n)! > 0), parentsOf, known) };
}

function findCycle(
  remaining: string[],
  parentsOf: (node: string) => readonly string[],
  known: Set<string>,
): string[] {
  const inRemaining = new Set(remaining);
  // Every remaining node has a remaining parent, so walking parents must revisit a node.
  const seen = new Map<string, number>();
  const path: string[] = [];
  let node = remaining[0];
  while (!seen.has(node)) {
    seen.set(node, path.length);
    path.push(node);
    node = parentsOf(node).find((p) => known.has(p) && inRemaining.has(p))!;
  }
  return [...path.slice(seen.get(node)!), node];
}

/** Every node reachable from `start` through `next`, not including `start` itself. */
export function reachable(start: Iterable<string>, next: (node: string) => Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    for (const n of next(stack.pop()!)) {
      if (!out.has(n)) {
        out.add(n);
        stack.push(n);
      }
    }
  }
  return out;
}
