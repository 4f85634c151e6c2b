import type { GraphLayout, PlacedEdge, PlacedNode } from './graph-layout.js';

/** Gaps of the picture, the same as the ELK layout's so both kinds of report look alike. */
const LAYER_GAP = 70;
const NODE_GAP = 8;
/** Barycenter sweeps (down and up count as one each): enough to untangle a layered DAG of models. */
const SWEEPS = 8;
/** Gap between the columns of a wrapped layer, and the picture's wanted width to height. */
const COLUMN_GAP = 16;
const ASPECT = 1.6;

interface Slot {
  /** A model, or a dummy (`null`) that carries a long edge through a layer. */
  id: string | null;
  width: number;
  height: number;
  layer: number;
  /** Position in its layer after ordering, then its y. */
  order: number;
  y: number;
  up: Slot[];
  down: Slot[];
}

/**
 * A layered left-to-right layout of a DAG, linear in its size, for graphs too big for ELK to
 * lay out in a few seconds (ELK's layered algorithm took 7-25 s at 2,000 models): longest-path
 * layers, long edges split by dummy slots, barycenter ordering sweeps, then each slot placed
 * as near its neighbours' mean as the slots above it allow. The picture is a little less tidy
 * than ELK's; it is what a reader sees after asking for the model graph of a big project.
 * Made for DAGs (models cannot form a cycle); an edge closing a cycle is drawn but not layered.
 */
export function layeredLayout(nodes: readonly { id: string; width: number; height: number }[], edges: readonly (readonly [string, string])[]): GraphLayout {
  if (!nodes.length) return { width: 0, height: 0, nodes: [], edges: [] };
  const slots = new Map<string, Slot>();
  for (const n of nodes) slots.set(n.id, { id: n.id, width: n.width, height: n.height, layer: 0, order: 0, y: 0, up: [], down: [] });
  const parents = new Map<string, string[]>();
  for (const [from, to] of edges) if (slots.has(from) && slots.has(to)) (parents.get(to) ?? parents.set(to, []).get(to)!).push(from);
  assignLayers(slots, parents);

  const layers: Slot[][] = [];
  const put = (s: Slot) => (layers[s.layer] ??= []).push(s);
  for (const s of slots.values()) put(s);
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];
  const rows = rowsPerColumn(layers);
  // Each edge becomes a chain parent -> dummies -> child, one slot per layer it crosses; a
  // wrapped picture draws edges straight (its layers are several columns wide).
  const chains: Slot[][] = [];
  for (const [from, to] of edges) {
    const [a, b] = [slots.get(from), slots.get(to)];
    if (!a || !b) continue;
    // An edge that closes a cycle (possible only between schemas) is drawn straight, outside the layering.
    if (b.layer <= a.layer) {
      chains.push([a, b]);
      continue;
    }
    const chain = [a];
    for (let l = a.layer + 1; l < b.layer && !rows; l++) {
      const d: Slot = { id: null, width: 0, height: 0, layer: l, order: 0, y: 0, up: [], down: [] };
      put(d);
      chain.push(d);
    }
    chain.push(b);
    for (let i = 1; i < chain.length; i++) {
      chain[i - 1].down.push(chain[i]);
      chain[i].up.push(chain[i - 1]);
    }
    chains.push(chain);
  }

  order(layers);
  if (rows) wrapY(layers, rows);
  else placeY(layers);
  const xs: number[] = [];
  let x = 0;
  for (const layer of layers) {
    xs.push(x);
    const width = Math.max(0, ...layer.map((s) => s.width));
    x += columnsOf(layer.length, rows) * (width + COLUMN_GAP) - COLUMN_GAP + LAYER_GAP;
  }
  // In a wrapped layer a slot's column is its place in the layer divided by the rows per column.
  const colWidth = layers.map((layer) => Math.max(0, ...layer.map((s) => s.width)) + COLUMN_GAP);
  const xOf = (s: Slot) => xs[s.layer] + (rows ? Math.floor(s.order / rows) * colWidth[s.layer] : 0);
  let height = 0;
  for (const layer of layers) for (const s of layer) height = Math.max(height, (s.y = round(s.y)) + s.height);
  const placed: PlacedNode[] = [...slots.values()].map((s) => ({ id: s.id!, x: round(xOf(s)), y: s.y, width: s.width, height: s.height }));
  const placedEdges: PlacedEdge[] = chains.map((chain) => {
    const [a, b] = [chain[0], chain[chain.length - 1]];
    const points = [{ x: xOf(a) + a.width, y: a.y + a.height / 2 }, ...chain.slice(1, -1).map((d) => ({ x: xOf(d), y: d.y })), { x: xOf(b), y: b.y + b.height / 2 }];
    return { from: a.id!, to: b.id!, points: points.map((p) => ({ x: round(p.x), y: round(p.y) })) };
  });
  return { width: Math.max(0, x - LAYER_GAP), height, nodes: placed, edges: placedEdges };
}

/**
 * A project of thousands of models has few layers and thousands of models in some: drawn as
 * one column per layer it is a sliver far taller than wide. Such layers wrap into several
 * columns of `rows` slots, `rows` chosen so the picture comes nearest ASPECT. 0 = no wrap.
 */
function rowsPerColumn(layers: Slot[][]): number {
  const pitch = Math.max(...layers.flat().map((s) => s.height)) + NODE_GAP;
  const widths = layers.map((layer) => Math.max(0, ...layer.map((s) => s.width)));
  const tallest = Math.max(...layers.map((l) => l.length));
  const misfit = (rows: number) => {
    const width = layers.reduce((sum, layer, l) => sum + columnsOf(layer.length, rows) * (widths[l] + COLUMN_GAP) + LAYER_GAP, 0);
    return Math.abs(Math.log(width / (Math.min(rows, tallest) * pitch) / ASPECT));
  };
  let best = tallest;
  for (let rows = tallest - 1; rows >= 1; rows--) if (misfit(rows) < misfit(best)) best = rows;
  return best < tallest ? best : 0;
}

function columnsOf(count: number, rows: number): number {
  return rows ? Math.max(1, Math.ceil(count / rows)) : 1;
}

/** A wrapped layer fills its columns top to bottom in its order; a short layer is centred. */
function wrapY(layers: Slot[][], rows: number): void {
  const pitch = Math.max(...layers.flat().map((s) => s.height)) + NODE_GAP;
  for (const layer of layers) {
    const offset = layer.length < rows ? ((rows - layer.length) * pitch) / 2 : 0;
    for (const s of layer) s.y = offset + (s.order % rows) * pitch;
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Longest path from the sources: a model sits one layer right of its deepest parent. */
function assignLayers(slots: Map<string, Slot>, parents: Map<string, string[]>): void {
  const state = new Map<string, 'open' | 'done'>();
  for (const start of slots.keys()) {
    if (state.has(start)) continue;
    // Iterative depth-first walk up the parents, so a deep chain cannot overflow the stack.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ps = parents.get(top.id) ?? [];
      if (top.next < ps.length) {
        const p = ps[top.next++];
        if (!state.has(p)) {
          state.set(p, 'open');
          stack.push({ id: p, next: 0 });
        }
        continue;
      }
      const s = slots.get(top.id)!;
      for (const p of ps) if (state.get(p) === 'done') s.layer = Math.max(s.layer, slots.get(p)!.layer + 1);
      state.set(top.id, 'done');
      stack.pop();
    }
  }
}

/** Barycenter ordering: sweep down by parents' positions, then up by children's, keeping the best. */
function order(layers: Slot[][]): void {
  layers.forEach((layer) => layer.forEach((s, i) => (s.order = i)));
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(layers);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const range = downward ? layers.map((_, i) => i).slice(1) : layers.map((_, i) => i).slice(0, -1).reverse();
    for (const l of range) {
      const layer = layers[l];
      const key = new Map(layer.map((s) => [s, barycenter(downward ? s.up : s.down, s.order)]));
      layer.sort((a, b) => key.get(a)! - key.get(b)! || a.order - b.order);
      layer.forEach((s, i) => (s.order = i));
    }
    const c = crossings(layers);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((layer, l) => {
    layers[l] = layer;
    layer.forEach((s, i) => (s.order = i));
  });
}

function barycenter(neighbours: Slot[], own: number): number {
  if (!neighbours.length) return own;
  let sum = 0;
  for (const n of neighbours) sum += n.order;
  return sum / neighbours.length;
}

/** Edge crossings between adjacent layers, counted by inversions (merge sort), to keep the best order. */
function crossings(layers: Slot[][]): number {
  let total = 0;
  for (const layer of layers.slice(0, -1)) {
    const targets: number[] = [];
    for (const s of layer) for (const d of [...s.down].sort((a, b) => a.order - b.order)) targets.push(d.order);
    total += inversions(targets);
  }
  return total;
}

function inversions(a: number[]): number {
  if (a.length < 2) return 0;
  const mid = a.length >> 1;
  const [left, right] = [a.slice(0, mid), a.slice(mid)];
  let count = inversions(left) + inversions(right);
  let [i, j, k] = [0, 0, 0];
  while (i < left.length && j < right.length) {
    if (left[i] <= right[j]) a[k++] = left[i++];
    else {
      a[k++] = right[j++];
      count += left.length - i;
    }
  }
  while (i < left.length) a[k++] = left[i++];
  while (j < right.length) a[k++] = right[j++];
  return count;
}

/**
 * Vertical positions: each slot wants the mean height of its neighbours in the layer before
 * (parents on the way down, children on the way up); within a layer the slots keep their
 * order and gaps and sit as near their wants as they can (least squares, pooled as blocks
 * of touching slots). Down, up and down again, then moved so the highest slot is at 0.
 */
function placeY(layers: Slot[][]): void {
  for (const layer of layers) stack(layer, layer.map(() => 0));
  const sweep = (down: boolean) => {
    const order = down ? layers : [...layers].reverse();
    for (const layer of order) {
      const wants = layer.map((s) => {
        const ns = down ? s.up : s.down;
        return ns.length ? ns.reduce((sum, n) => sum + n.y + n.height / 2, 0) / ns.length - s.height / 2 : s.y;
      });
      stack(layer, wants);
    }
  };
  sweep(true);
  sweep(false);
  sweep(true);
  let top = Infinity;
  for (const layer of layers) for (const s of layer) top = Math.min(top, s.y);
  for (const layer of layers) for (const s of layer) s.y -= top;
}

/** Places a layer's slots in order, each as near its wanted y as the gaps allow (pool adjacent violators). */
function stack(layer: Slot[], wants: number[]): void {
  const gap = (s: Slot) => s.height + (s.id === null ? NODE_GAP / 2 : NODE_GAP);
  // A block is a run of touching slots: its members' offsets from its top, and the top that fits them best.
  const blocks: { first: number; last: number; size: number; sum: number; count: number; top: number }[] = [];
  for (let i = 0; i < layer.length; i++) {
    let b = { first: i, last: i, size: gap(layer[i]), sum: wants[i], count: 1, top: wants[i] };
    while (blocks.length && blocks[blocks.length - 1].top + blocks[blocks.length - 1].size > b.top) {
      const a = blocks.pop()!;
      // Every member of b moves down by a.size inside the merged block.
      const sum = a.sum + b.sum - b.count * a.size;
      b = { first: a.first, last: b.last, size: a.size + b.size, sum, count: a.count + b.count, top: sum / (a.count + b.count) };
    }
    blocks.push(b);
  }
  for (const b of blocks) {
    let y = b.top;
    for (let i = b.first; i <= b.last; i++) {
      layer[i].y = y;
      y += gap(layer[i]);
    }
  }
}
