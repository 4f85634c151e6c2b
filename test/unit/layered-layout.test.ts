import { describe, expect, it } from 'vitest';
import { ELK_MAX_NODES, layoutGraph, type GraphLayout } from '../../src/report/graph-layout.js';
import { layeredLayout } from '../../src/report/layered-layout.js';

/** A project-shaped DAG: `layers` layers of `width` models, each reading two models of the layer before. */
function layeredDag(layers: number, width: number): { nodes: { id: string; label: string }[]; edges: [string, string][] } {
  const nodes: { id: string; label: string }[] = [];
  const edges: [string, string][] = [];
  for (let l = 0; l < layers; l++)
    for (let i = 0; i < width; i++) {
      const id = `s${l}.model_${String(i).padStart(4, '0')}`;
      nodes.push({ id, label: id });
      if (l > 0) for (const j of [i, (i * 7 + 3) % width]) edges.push([`s${l - 1}.model_${String(j).padStart(4, '0')}`, id]);
    }
  // A long edge across three layers, which needs dummies (or a straight line when wrapped).
  edges.push([nodes[0].id, nodes[3 * width].id]);
  return { nodes, edges };
}

function expectSound(layout: GraphLayout, nodes: { id: string }[], edges: [string, string][], centred = true): void {
  expect(layout.nodes.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.id).sort());
  expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(edges.map(([a, b]) => `${a}>${b}`).sort());
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const e of layout.edges) {
    const [a, b] = [at.get(e.from)!, at.get(e.to)!];
    // Parents sit left of their children; edges leave a parent's right side and reach a child's left side.
    expect(b.x).toBeGreaterThanOrEqual(a.x + a.width);
    const [start, end] = [e.points[0], e.points[e.points.length - 1]];
    expect(start.x).toBeCloseTo(a.x + a.width, 0);
    expect(end.x).toBeCloseTo(b.x, 0);
    // ELK spreads the edges over a box's side; planner's layout aims them at its middle.
    if (centred) expect([start.y, end.y]).toEqual([a.y + a.height / 2, b.y + b.height / 2]);
  }
  // No two boxes overlap, and all lie inside the picture.
  const boxes = [...layout.nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 1; i < boxes.length; i++) {
    const [p, q] = [boxes[i - 1], boxes[i]];
    if (p.x === q.x) expect(q.y).toBeGreaterThanOrEqual(p.y + p.height);
  }
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width + 0.01);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height + 0.01);
  }
}

describe('layered layout of big graphs', () => {
  it('places a narrow deep DAG as one column per layer, long edges bent through the layers between', () => {
    const { nodes, edges } = layeredDag(6, 5);
    const layout = layeredLayout(nodes.map((n) => ({ id: n.id, width: 120, height: 22 })), edges);
    expectSound(layout, nodes, edges);
    expect(new Set(layout.nodes.map((n) => n.x)).size).toBe(6);
    const long = layout.edges.find((e) => e.from === nodes[0].id && e.to === nodes[15].id)!;
    expect(long.points).toHaveLength(4);
  });

  it('wraps a layer of hundreds of models into columns so the picture is not a sliver', () => {
    const { nodes, edges } = layeredDag(4, 300);
    const layout = layeredLayout(nodes.map((n) => ({ id: n.id, width: 120, height: 22 })), edges);
    expectSound(layout, nodes, edges);
    expect(layout.width / layout.height).toBeGreaterThan(0.8);
    expect(layout.width / layout.height).toBeLessThan(3);
  });

  it('draws an edge that closes a cycle (schemas can form one) without looping', () => {
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, width: 40, height: 22 }));
    const layout = layeredLayout(nodes, [['a', 'b'], ['b', 'c'], ['c', 'a']]);
    expect(layout.edges).toHaveLength(3);
    expect(layout.nodes).toHaveLength(3);
  });

  it('layoutGraph keeps ELK for small graphs and switches above its limit', async () => {
    const small = layeredDag(4, 3);
    expectSound(await layoutGraph(small.nodes, small.edges), small.nodes, small.edges, false);
    const big = layeredDag(5, Math.ceil((ELK_MAX_NODES + 1) / 5));
    const layout = await layoutGraph(big.nodes, big.edges);
    expectSound(layout, big.nodes, big.edges);
    expect(layout).toEqual(layeredLayout(big.nodes.map((n) => ({ id: n.id, width: Math.ceil(n.label.length * 7.3 + 16), height: 22 })), big.edges));
  });
});
