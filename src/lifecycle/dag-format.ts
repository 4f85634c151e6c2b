import type { Project } from '../model/load-project.js';

/** The output formats of `planner dag`. */
export const DAG_FORMATS = ['text', 'mermaid', 'dot'] as const;
export type DagFormat = (typeof DAG_FORMATS)[number];

/** One model in the graph: its kind, the models it reads, and the tables outside the project it reads. */
export interface DagNode {
  name: string;
  kind: string;
  parents: string[];
  externals: string[];
}

/** The project's models in DAG order (parents first). */
export function dagNodes(project: Project): DagNode[] {
  return project.order.map((name) => {
    const m = project.models.get(name)!;
    return { name, kind: m.kind.name, parents: [...m.parents].sort(), externals: [...m.externals].sort() };
  });
}

/** The graph as aligned text, a Mermaid flowchart, or a Graphviz digraph. Pure. */
export function formatDag(nodes: readonly DagNode[], format: DagFormat): string {
  switch (format) {
    case 'text':
      return textDag(nodes);
    case 'mermaid':
      return mermaidDag(nodes);
    case 'dot':
      return dotDag(nodes);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

function textDag(nodes: readonly DagNode[]): string {
  const width = Math.max(0, ...nodes.map((n) => n.name.length));
  const kindWidth = Math.max(0, ...nodes.map((n) => n.kind.length));
  const lines = nodes.map((n) => {
    const inputs = [...n.parents, ...n.externals.map((e) => `${e} (external)`)];
    return `${n.name.padEnd(width)}  ${n.kind.padEnd(kindWidth)}${inputs.length ? `  <- ${inputs.join(', ')}` : ''}`.trimEnd();
  });
  const edges = nodes.reduce((sum, n) => sum + n.parents.length, 0);
  lines.push('', `${nodes.length} ${nodes.length === 1 ? 'model' : 'models'}, ${edges} ${edges === 1 ? 'dependency' : 'dependencies'}`);
  return lines.join('\n');
}

function externalNames(nodes: readonly DagNode[]): string[] {
  return [...new Set(nodes.flatMap((n) => n.externals))].sort();
}

function mermaidDag(nodes: readonly DagNode[]): string {
  // Mermaid ids may not contain dots: number the nodes and show names as labels.
  const ids = new Map<string, string>();
  nodes.forEach((n, i) => ids.set(n.name, `m${i}`));
  externalNames(nodes).forEach((e, i) => ids.set(`external:${e}`, `x${i}`));
  const label = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const n of nodes) lines.push(`  ${ids.get(n.name)}["${label(n.name)}<br/><small>${n.kind}</small>"]`);
  for (const e of externalNames(nodes)) lines.push(`  ${ids.get(`external:${e}`)}[("${label(e)}")]`);
  for (const n of nodes) {
    for (const p of n.parents) lines.push(`  ${ids.get(p)} --> ${ids.get(n.name)}`);
    for (const e of n.externals) lines.push(`  ${ids.get(`external:${e}`)} -.-> ${ids.get(n.name)}`);
  }
  return lines.join('\n');
}

function dotDag(nodes: readonly DagNode[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const q = (...lines: string[]) => `"${lines.map(esc).join('\\n')}"`;
  const lines = ['digraph planner {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const n of nodes) lines.push(`  ${q(n.name)} [label=${q(n.name, n.kind)}];`);
  for (const e of externalNames(nodes)) lines.push(`  ${q(e)} [shape=cylinder, style=dashed];`);
  for (const n of nodes) {
    for (const p of n.parents) lines.push(`  ${q(p)} -> ${q(n.name)};`);
    for (const e of n.externals) lines.push(`  ${q(e)} -> ${q(n.name)} [style=dashed];`);
  }
  lines.push('}');
  return lines.join('\n');
}
