// The layout of a task's dependency graph, without the DOM: layers from left to right, each subtask one column right
// of its deepest dependency, and edges that only ever run between columns or along lanes kept free of nodes.
//
// 1. Layers: the longest path from a subtask without dependencies. One without dependencies of its own that others
//    wait for (an answer to a question, a merge of a conflict) moves up to the column before its first dependent.
// 2. Lanes: an edge that skips columns runs through a lane point in each column it crosses. The long edges into one
//    subtask share their lane (a bus, like the summary's, which waits for every other subtask): each joins it in the
//    column after its source.
// 3. Order within columns: barycenter sweeps, down and up, keeping the order with the fewest crossings.
// 4. Heights: each column's nodes and lanes as near as their order allows to the mean of their neighbours (a least
//    squares fit under the minimum gaps), sweeping down and up.
// 5. Paths: a curve between two columns stays between them; through a column an edge runs straight along its lane,
//    which is at least a gap away from every node. So no edge touches a node other than its ends.

export const SIZE = Object.freeze({ width: 170, height: 54, gapX: 44, gapY: 16, lane: 12, pad: 8, arrow: 6 });

const SWEEPS = 24;
const ROUNDS = 12;
const STUB = 5;
// Lanes give way to nodes: a node sits between its neighbours, and the lanes go round it. What has no neighbours on
// the side a sweep looks at gives way to everything.
const LANE_WEIGHT = 1e-4;
const LOOSE = 1e-6;

/**
 * nodes: [{key, dependsOn: [keys]}], in the page's order; size: SIZE, or some of it. Returns {width, height,
 * nodes: Map key → {x, y, layer} (the top left corner), edges: [{from, to, d}]} with an SVG path per dependency
 * (unknown keys and a subtask's dependency on itself left out). Pure and deterministic.
 */
export function layoutGraph(nodes, size = {}) {
  const S = { ...SIZE, ...size };
  if (!nodes.length) return { width: 2 * S.pad, height: 2 * S.pad, nodes: new Map(), edges: [] };
  const index = new Map();
  nodes.forEach((n, i) => { if (!index.has(n.key)) index.set(n.key, i); });
  const deps = nodes.map((n, i) => [...new Set((n.dependsOn || []).map((d) => index.get(d)))]
    .filter((d) => d !== undefined && d !== i && index.get(n.key) === i));
  const layer = layers(nodes.length, deps);

  // Edges that point forward; a cycle (the orchestrator refuses them) leaves an edge drawn straight.
  const forward = [], backward = [];
  deps.forEach((ds, t) => ds.forEach((s) => (layer[s] < layer[t] ? forward : backward).push([s, t])));

  // Items: the nodes, then the lanes; each has its layer and height, and its neighbours in the layers either side.
  const items = nodes.map((n, i) => ({ layer: layer[i], h: S.height, node: i, seed: i, up: [], down: [] }));
  const bus = new Map();
  forward.forEach(([s, t]) => {
    if (layer[t] - layer[s] < 2) return;
    const lanes = bus.get(t) || new Map();
    bus.set(t, lanes);
    for (let l = layer[s] + 1; l < layer[t]; l++) {
      if (!lanes.has(l)) lanes.set(l, items.push({ layer: l, h: 0, node: -1, seed: t + 0.5, up: [], down: [] }) - 1);
    }
  });
  const linked = new Set();
  const link = (a, b) => {
    if (linked.has(a + '>' + b)) return;
    linked.add(a + '>' + b);
    items[a].down.push(b);
    items[b].up.push(a);
  };
  const routes = forward.map(([s, t]) => {
    const route = [s];
    for (let l = layer[s] + 1; l < layer[t]; l++) route.push(bus.get(t).get(l));
    route.push(t);
    for (let k = 1; k < route.length; k++) link(route[k - 1], route[k]);
    return { from: s, to: t, route };
  });

  const columns = order(items, Math.max(0, ...layer) + 1);
  const y = heights(items, columns, S);
  const shift = S.pad - Math.min(...items.map((it, i) => y[i] - it.h / 2));
  const cx = (l) => S.pad + l * (S.width + S.gapX);
  const cy = (i) => round(y[i] + shift);
  const at = new Map();
  nodes.forEach((n, i) => {
    if (index.get(n.key) !== i) return;
    at.set(n.key, { x: cx(layer[i]), y: round(y[i] + shift - S.height / 2), layer: layer[i] });
  });
  const paths = new Map();
  routes.forEach(({ from, to, route }) => {
    let x1 = cx(layer[from]) + S.width, y1 = cy(from);
    let d = `M${x1},${y1}`;
    for (let k = 1; k < route.length; k++) {
      const it = items[route[k]], last = k === route.length - 1;
      const x2 = cx(it.layer) - (last ? S.arrow : 0), y2 = cy(route[k]);
      d += curve(x1, y1, x2, y2);
      if (!last) {
        x1 = cx(it.layer) + S.width;
        y1 = y2;
        d += ` L${x1},${y1}`;
      }
    }
    paths.set(from + '>' + to, d);
  });
  backward.forEach(([s, t]) => {
    const x1 = cx(layer[s]) + S.width, x2 = cx(layer[t]) - S.arrow;
    paths.set(s + '>' + t, `M${x1},${cy(s)}` + curve(x1, cy(s), x2, cy(t)));
  });
  const edges = deps.flatMap((ds, t) => ds.map((s) => ({
    from: nodes[s].key, to: nodes[t].key, d: paths.get(s + '>' + t),
  })));

  const width = 2 * S.pad + columns.length * S.width + Math.max(0, columns.length - 1) * S.gapX;
  const height = round(Math.max(...items.map((it, i) => y[i] + it.h / 2)) + shift + S.pad);
  return { width, height, nodes: at, edges };
}

function round(v) {
  return Math.round(v * 10) / 10;
}

// Level for a few pixels at both ends, so that even a steep curve leaves and enters a column along its lane.
function curve(x1, y1, x2, y2) {
  if (y1 === y2) return ` L${x2},${y2}`;
  const a = x1 + STUB, b = x2 - STUB, mx = (a + b) / 2;
  return ` L${a},${y1} C${mx},${y1} ${mx},${y2} ${b},${y2} L${x2},${y2}`;
}

/** Each node's column: one right of its deepest dependency; a source others wait for, just before the first of them. */
function layers(n, deps) {
  const layer = new Array(n).fill(-1);
  const open = new Set();
  const depth = (i) => {
    if (layer[i] >= 0) return layer[i];
    if (open.has(i)) return -1;
    open.add(i);
    let l = 0;
    for (const d of deps[i]) l = Math.max(l, depth(d) + 1);
    open.delete(i);
    layer[i] = l;
    return l;
  };
  for (let i = 0; i < n; i++) depth(i);
  const first = new Array(n).fill(Infinity);
  deps.forEach((ds, t) => ds.forEach((s) => { if (layer[s] < layer[t]) first[s] = Math.min(first[s], layer[t]); }));
  deps.forEach((ds, i) => {
    if (!ds.length && first[i] !== Infinity) layer[i] = first[i] - 1;
  });
  return layer;
}

/** The items of each layer in the order with the fewest crossings the sweeps found. */
function order(items, count) {
  const columns = Array.from({ length: count }, () => []);
  items.forEach((it, i) => columns[it.layer].push(i));
  const pos = new Array(items.length);
  const place = (col) => col.forEach((i, p) => { pos[i] = p; });
  columns.forEach((col) => {
    col.sort((a, b) => items[a].seed - items[b].seed);
    place(col);
  });
  const sweep = (down) => {
    const ls = [...columns.keys()];
    for (const l of down ? ls.slice(1) : ls.reverse().slice(1)) {
      const col = columns[l];
      const key = new Map(col.map((i) => {
        const nb = down ? items[i].up : items[i].down;
        return [i, nb.length ? nb.reduce((a, j) => a + pos[j], 0) / nb.length : pos[i]];
      }));
      col.sort((a, b) => key.get(a) - key.get(b) || pos[a] - pos[b]);
      place(col);
    }
  };
  const crossings = () => {
    let total = 0;
    for (const col of columns) {
      const segs = [];
      col.forEach((i) => items[i].down.forEach((j) => segs.push([pos[i], pos[j]])));
      for (let a = 0; a < segs.length; a++) {
        for (let b = a + 1; b < segs.length; b++) {
          if ((segs[a][0] - segs[b][0]) * (segs[a][1] - segs[b][1]) < 0) total++;
        }
      }
    }
    return total;
  };
  sweep(true);
  let best = columns.map((c) => [...c]), fewest = crossings();
  for (let k = 1; k < SWEEPS && fewest > 0; k++) {
    sweep(k % 2 === 0);
    const c = crossings();
    if (c < fewest) {
      fewest = c;
      best = columns.map((col) => [...col]);
    }
  }
  return best;
}

/** The centre height of each item: near its neighbours', its column's order and gaps kept. */
function heights(items, columns, S) {
  const y = new Array(items.length).fill(0);
  const gap = (a, b) => (items[a].h + items[b].h) / 2 + (items[a].node >= 0 && items[b].node >= 0 ? S.gapY : S.lane);
  const extent = (col) => col.reduce((sum, i, k) => sum + (k ? gap(col[k - 1], i) : 0), 0);
  const tallest = Math.max(...columns.map(extent));
  columns.forEach((col) => {
    let at = (tallest - extent(col)) / 2;
    col.forEach((i, k) => {
      if (k) at += gap(col[k - 1], i);
      y[i] = at;
    });
  });
  const fit = (col, side) => {
    const want = [], weight = [];
    col.forEach((i) => {
      const all = side(items[i]), real = all.filter((j) => items[j].node >= 0);
      const nb = items[i].node >= 0 && real.length ? real : all;
      want.push(nb.length ? nb.reduce((a, j) => a + y[j], 0) / nb.length : y[i]);
      weight.push(!nb.length ? LOOSE : items[i].node >= 0 ? 1 : LANE_WEIGHT);
    });
    fitInOrder(want, col.map((i, k) => (k ? gap(col[k - 1], i) : 0)), weight).forEach((v, k) => { y[col[k]] = v; });
  };
  for (let r = 0; r < ROUNDS; r++) {
    columns.slice(1).forEach((col) => fit(col, (it) => it.up));
    columns.slice(0, -1).reverse().forEach((col) => fit(col, (it) => it.down));
  }
  columns.slice(1).forEach((col) => fit(col, (it) => it.up));
  // A subtask with no edges at all (the lead's plan) keeps close to the next one in its column.
  const alone = (it) => !it.up.length && !it.down.length;
  columns.forEach((col) => {
    const want = col.map((i, k) => (alone(items[i]) ? y[col[k + 1] ?? col[k - 1] ?? i] : y[i]));
    fitInOrder(want, col.map((i, k) => (k ? gap(col[k - 1], i) : 0)), col.map((i) => (alone(items[i]) ? LOOSE : 1)))
      .forEach((v, k) => { y[col[k]] = v; });
  });
  return y;
}

/**
 * The heights nearest (least squares, each weighed) to want, in order, each at least its gap below the one before:
 * pool adjacent violators over the heights less their gaps.
 */
export function fitInOrder(want, gaps, weights = want.map(() => 1)) {
  const offset = [];
  gaps.forEach((g, k) => offset.push(k ? offset[k - 1] + g : 0));
  const blocks = [];
  want.forEach((w, k) => {
    blocks.push({ sum: (w - offset[k]) * weights[k], weight: weights[k], n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1], a = blocks[blocks.length - 2];
      if (a.sum / a.weight <= b.sum / b.weight) break;
      blocks.splice(-2, 2, { sum: a.sum + b.sum, weight: a.weight + b.weight, n: a.n + b.n });
    }
  });
  const out = [];
  blocks.forEach((b) => { for (let k = 0; k < b.n; k++) out.push(b.sum / b.weight + offset[out.length]); });
  return out;
}
