import type { GraphLayout } from './graph-layout.js';
import { anchor, esc } from './html.js';
import { labelWidth, layoutGraph } from './graph-layout.js';
import { STATUS_ORDER, type ModelStatus, type Review } from './review.js';

/** The two pictures of a review: every model, and the models folded into one node per schema. */
export interface ReviewLayouts {
  models: GraphLayout;
  schemas: GraphLayout;
}

/** Lays out the model graph and the schema graph of a review. */
export async function layoutReview(review: Review): Promise<ReviewLayouts> {
  const models = await layoutGraph(review.models.map((m) => ({ id: m.name, label: m.name })), review.edges);
  const groups = schemaGroups(review);
  const schemaEdges = new Set<string>();
  const schemaOf = new Map(review.models.map((m) => [m.name, m.schema]));
  for (const [from, to] of review.edges) {
    const [a, b] = [schemaOf.get(from)!, schemaOf.get(to)!];
    if (a !== b) schemaEdges.add(`${a}\u0000${b}`);
  }
  const schemas = await layoutGraph(
    [...groups].map(([schema, g]) => ({ id: schema, label: schemaLabel(schema, g.total, g.changed) })),
    // A cycle between schemas is possible (a -> b -> a through different models); ELK breaks it.
    [...schemaEdges].map((e) => e.split('\u0000') as [string, string]),
  );
  return { models, schemas };
}

interface SchemaGroup {
  total: number;
  changed: number;
  /** The most notable status among its models, in STATUS_ORDER. */
  status: ModelStatus;
}

function schemaGroups(review: Review): Map<string, SchemaGroup> {
  const rank = new Map(STATUS_ORDER.map((s, i) => [s, i]));
  const groups = new Map<string, SchemaGroup>();
  for (const m of review.models) {
    const g = groups.get(m.schema) ?? { total: 0, changed: 0, status: 'unchanged' as ModelStatus };
    g.total++;
    if (m.status !== 'unchanged') g.changed++;
    if (rank.get(m.status)! < rank.get(g.status)!) g.status = m.status;
    groups.set(m.schema, g);
  }
  return groups;
}

function schemaLabel(schema: string, total: number, changed: number): string {
  return `${schema} · ${total} models${changed ? ` · ${changed} changed` : ''}`;
}

/** The model graph as SVG: one `g.node` per model (its status a class) and one `path.edge` per dependency. */
export function modelGraphSvg(review: Review, layout: GraphLayout, modelHref?: (model: string) => string, hidden = false): string {
  const byName = new Map(review.models.map((m) => [m.name, m]));
  const nodes = layout.nodes.map((n) => {
    const m = byName.get(n.id)!;
    return nodeSvg(n, n.id, `node s-${m.status}`, `data-model="${esc(m.name)}" data-schema="${esc(m.schema)}" data-status="${m.status}" data-kind="${esc(m.kind)}" data-anchor="${anchor(m.name)}"${modelHref ? ` data-href="${esc(modelHref(m.name))}"` : ''}`);
  });
  const edges = layout.edges.map((e) => `<path class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${pathOf(e.points)}"/>`);
  return svg('g-models', layout, edges, nodes, hidden);
}

/** The schema graph as SVG: one `g.schema-node` per schema, coloured by its most notable change. */
export function schemaGraphSvg(review: Review, layout: GraphLayout, hidden = false): string {
  const groups = schemaGroups(review);
  const nodes = layout.nodes.map((n) => {
    const g = groups.get(n.id)!;
    return nodeSvg(n, schemaLabel(n.id, g.total, g.changed), `schema-node s-${g.status}`, `data-schema="${esc(n.id)}"`);
  });
  const edges = layout.edges.map((e) => `<path class="edge" d="${pathOf(e.points)}"/>`);
  return svg('g-schemas', layout, edges, nodes, hidden);
}

function nodeSvg(n: GraphLayout['nodes'][number], label: string, cls: string, data: string): string {
  const w = Math.max(n.width, labelWidth(label));
  return `<g class="${cls}" ${data} data-box="${n.x},${n.y},${w},${n.height}" transform="translate(${n.x},${n.y})"><title>${esc(label)}</title><rect width="${w}" height="${n.height}" rx="4"/><text x="8" y="${n.height / 2 + 4}">${esc(label)}</text></g>`;
}

function svg(id: string, layout: GraphLayout, edges: string[], nodes: string[], hidden = false): string {
  const [w, h] = [Math.ceil(layout.width) + 20, Math.ceil(layout.height) + 20];
  return (
    `<svg id="${id}" class="graph" xmlns="http://www.w3.org/2000/svg" data-width="${w}" data-height="${h}"${hidden ? ' style="display:none"' : ''}>` +
    `<defs><marker id="${id}-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L8,4L0,8z" class="arrow"/></marker></defs>` +
    `<g class="pan"><g class="edges" id="${id}-edges">${edges.join('')}</g><g class="nodes">${nodes.join('')}</g></g></svg>`
  );
}

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join('');
}
