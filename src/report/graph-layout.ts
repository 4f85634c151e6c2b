import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { layeredLayout } from './layered-layout.js';

/** A box placed by the layout; `id` is the model (or schema) name. */
export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge as a polyline from the parent's right side to the child's left side. */
export interface PlacedEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const NODE_HEIGHT = 22;
/** Width of one character of the node labels (12px monospace) and the box's padding. */
const CHAR_WIDTH = 7.3;
const PADDING = 16;

/** A label's box width, so the layout leaves room for the text drawn in it. */
export function labelWidth(label: string): number {
  return Math.ceil(label.length * CHAR_WIDTH + PADDING);
}

/** Above this many nodes planner's own linear layout replaces ELK, whose time grows much faster. */
export const ELK_MAX_NODES = 400;

/**
 * Lays a DAG out left to right, parents before children: ELK's layered algorithm for a
 * graph a reader takes in at once, planner's own linear layered layout above ELK_MAX_NODES.
 * @example await layoutGraph([{ id: 'a', label: 'raw.a' }, { id: 'b', label: 'staging.b' }], [['a', 'b']])
 */
export async function layoutGraph(nodes: readonly { id: string; label: string }[], edges: readonly (readonly [string, string])[]): Promise<GraphLayout> {
  if (!nodes.length) return { width: 0, height: 0, nodes: [], edges: [] };
  if (nodes.length > ELK_MAX_NODES) return layeredLayout(nodes.map((n) => ({ id: n.id, width: labelWidth(n.label), height: NODE_HEIGHT })), edges);
  // Imported here, not at the top: 1.6 MB of script that every command importing the report would load.
  // elkjs is CommonJS: Node's default import is module.exports, whose `default` is the constructor.
  const { default: elkBundle } = await import('elkjs/lib/elk.bundled.js');
  const elk = new elkBundle.default();
  const graph: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '8',
      'elk.spacing.componentComponent': '24',
      'elk.layered.thoroughness': nodes.length > 300 ? '1' : '7',
      'elk.layered.crossingMinimization.greedySwitch.type': nodes.length > 300 ? 'OFF' : 'TWO_SIDED',
    },
    children: nodes.map((n) => ({ id: n.id, width: labelWidth(n.label), height: NODE_HEIGHT })),
    edges: edges.map(([from, to], i): ElkExtendedEdge => ({ id: `e${i}`, sources: [from], targets: [to] })),
  };
  const out = await elk.layout(graph);
  const placed = (out.children ?? []).map((c: ElkNode) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? NODE_HEIGHT }));
  const laidEdges = (out.edges ?? []) as ElkExtendedEdge[];
  return {
    width: out.width ?? 0,
    height: out.height ?? 0,
    nodes: placed,
    edges: laidEdges.map((e, i) => {
      const section = e.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      return { from: edges[i][0], to: edges[i][1], points: points.map((p) => ({ x: round(p.x), y: round(p.y) })) };
    }),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
