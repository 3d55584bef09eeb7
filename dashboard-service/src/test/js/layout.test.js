import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph, fitInOrder, SIZE } from '../../main/resources/META-INF/resources/js/layout.js';

// The plans the simulator makes (model-simulator/README.md, "Plan shapes") and what the orchestrator adds to them:
// the lead's plan and summary (which waits for every other subtask), fix rounds, answers to questions, merges.
const node = (key, ...dependsOn) => ({ key, dependsOn });

/** The lead's summary: it waits for all the work, as the orchestrator adds it. */
function summarised(work) {
  return [node('plan'), ...work, node('summary', ...work.map((n) => n.key))];
}

function diamond() {
  return summarised([node('design'), node('backend', 'design'), node('frontend', 'design'),
    node('review', 'backend', 'frontend'), node('test', 'backend', 'frontend')]);
}

/** The verified plan after `rounds` failed checks, each fixed by the backend; `answers` questions to roles. */
function verified(rounds, answers = []) {
  const work = [node('design'), node('backend', 'design'), node('test', 'backend')];
  for (let r = 1; r <= rounds; r++) {
    work.push(node(`test-fix-${r}-backend`, r === 1 ? 'test' : `test-recheck-${r}`));
    work.push(node(`test-recheck-${r + 1}`, `test-fix-${r}-backend`));
  }
  answers.forEach(([role, waiting], k) => {
    const key = `answer-${role}${k ? '-' + (k + 1) : ''}`;
    work.push(node(key));
    if (waiting) work.find((n) => n.key === waiting).dependsOn.push(key);
  });
  return summarised(work);
}

function chain(length) {
  return summarised(Array.from({ length }, (_, i) => node(`step-${i + 1}`, ...(i ? [`step-${i}`] : []))));
}

function fanOut(width) {
  const parts = Array.from({ length: width }, (_, i) => node(`part-${i + 1}`, 'design'));
  const groups = [];
  for (let from = 0; width > 50 && from < width; from += 50) {
    groups.push(node(`review-${groups.length + 1}`, ...parts.slice(from, from + 50).map((p) => p.key)));
  }
  const review = node('review', ...(groups.length ? groups : parts).map((n) => n.key));
  return summarised([node('design'), ...parts, ...groups, review]);
}

/** A plan with a conflict's merge: the lead merges, the pending readers of the artifact wait for it. */
function withMerges(plan, ...readers) {
  const nodes = plan.map((n) => ({ ...n, dependsOn: [...n.dependsOn] }));
  readers.forEach((keys, k) => {
    const merge = k ? `merge-${k + 1}` : 'merge';
    nodes.splice(nodes.length - 1, 0, node(merge));
    keys.forEach((key) => nodes.find((n) => n.key === key).dependsOn.push(merge));
    nodes[nodes.length - 1].dependsOn.push(merge);
  });
  return nodes;
}

const SHAPES = {
  'the default diamond': diamond(),
  'the diamond, its design after the plan': diamond().map((n) => (n.key === 'design' ? node('design', 'plan') : n)),
  'the verified plan': verified(0),
  'the verified plan with a fix round': verified(1),
  'the verified plan with two fix rounds and questions answered': verified(2,
    [['architect', 'test'], ['backend', null], ['architect', 'test-recheck-2']]),
  'a chain of 10': chain(10),
  'a fan-out of 8': fanOut(8),
  'a fan-out of 30': fanOut(30),
  'a fan-out of 120, joined in groups': fanOut(120),
  'the diamond with merges': withMerges(diamond(), ['review', 'test'], ['test']),
  'a fan-out of 8 with a merge': withMerges(fanOut(8), ['review']),
  'a chain of 10 with a merge': withMerges(chain(10), ['step-7']),
};

// Points along an SVG path of M, L and C commands, the curves in small steps.
function polyline(d) {
  const tokens = d.match(/[MLC]|-?\d+(\.\d+)?(e-?\d+)?/g);
  const points = [];
  let k = 0;
  const num = () => Number(tokens[k++]);
  while (k < tokens.length) {
    const cmd = tokens[k++];
    if (cmd === 'M' || cmd === 'L') {
      points.push([num(), num()]);
    } else if (cmd === 'C') {
      const [x0, y0] = points[points.length - 1];
      const c = [num(), num(), num(), num(), num(), num()];
      for (let s = 1; s <= 40; s++) {
        const t = s / 40, u = 1 - t;
        points.push([u * u * u * x0 + 3 * u * u * t * c[0] + 3 * u * t * t * c[2] + t * t * t * c[4],
          u * u * u * y0 + 3 * u * u * t * c[1] + 3 * u * t * t * c[3] + t * t * t * c[5]]);
      }
    } else {
      throw new Error('unexpected path command ' + cmd + ' in ' + d);
    }
  }
  return points;
}

// Whether the segment a-b meets the rectangle (Liang-Barsky clipping).
function meets([x1, y1], [x2, y2], r) {
  let t0 = 0, t1 = 1;
  const dx = x2 - x1, dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - r.left], [dx, r.right - x1], [-dy, y1 - r.top], [dy, r.bottom - y1]]) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

// A node's box, a little larger than drawn (its border is 1.5 px wide).
function box(p, margin = 2) {
  return { left: p.x - margin, right: p.x + SIZE.width + margin, top: p.y - margin, bottom: p.y + SIZE.height + margin };
}

/** No edge crosses a node other than its ends, nodes keep apart, every dependency points right. */
function assertDrawable(nodes) {
  const g = layoutGraph(nodes);
  assert.equal(g.nodes.size, nodes.length);
  const expected = nodes.flatMap((n) => n.dependsOn.map((d) => `${d}>${n.key}`));
  assert.deepEqual(g.edges.map((e) => `${e.from}>${e.to}`), expected, 'one path per dependency, in plan order');

  for (const [key, p] of g.nodes) {
    assert.ok(p.x >= 0 && p.y >= 0 && p.x + SIZE.width <= g.width && p.y + SIZE.height <= g.height, `${key} is inside`);
  }
  const placed = [...g.nodes];
  for (let a = 0; a < placed.length; a++) {
    for (let b = a + 1; b < placed.length; b++) {
      const [ka, pa] = placed[a], [kb, pb] = placed[b];
      const apart = pa.x + SIZE.width <= pb.x || pb.x + SIZE.width <= pa.x
        || pa.y + SIZE.height + SIZE.gapY <= pb.y || pb.y + SIZE.height + SIZE.gapY <= pa.y;
      assert.ok(apart, `${ka} and ${kb} overlap or touch`);
    }
  }

  for (const e of g.edges) {
    const from = g.nodes.get(e.from), to = g.nodes.get(e.to);
    assert.ok(from.x + SIZE.width + SIZE.gapX <= to.x, `${e.from} is left of ${e.to}, which depends on it`);
    const points = polyline(e.d);
    assert.deepEqual(points[0], [from.x + SIZE.width, from.y + SIZE.height / 2], `${e.from}>${e.to} leaves its source`);
    assert.deepEqual(points[points.length - 1], [to.x - SIZE.arrow, to.y + SIZE.height / 2], `${e.from}>${e.to} reaches its target`);
    for (let k = 1; k < points.length; k++) {
      assert.ok(points[k][0] >= points[k - 1][0] - 1e-9, `${e.from}>${e.to} never turns back`);
      assert.ok(points[k][1] >= 0 && points[k][1] <= g.height, `${e.from}>${e.to} stays inside`);
    }
    for (const [key, p] of g.nodes) {
      if (key === e.from || key === e.to) continue;
      const r = box(p);
      for (let k = 1; k < points.length; k++) {
        assert.ok(!meets(points[k - 1], points[k], r), `${e.from}>${e.to} crosses ${key} near ${points[k].map(Math.round)}`);
      }
    }
  }
}

for (const [name, nodes] of Object.entries(SHAPES)) {
  test(`${name}: no edge crosses a node, nodes keep apart, every dependency points right`, () => assertDrawable(nodes));
}

test('so do other plans: random ones, each subtask after up to four earlier ones', () => {
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 60; round++) {
    const nodes = [];
    const size = 2 + next(24);
    for (let i = 0; i < size; i++) {
      const deps = new Set();
      for (let k = next(5); i > 0 && k > 0; k--) deps.add(`s${next(i)}`);
      nodes.push(node(`s${i}`, ...deps));
    }
    assertDrawable(nodes);
  }
});

test('the same plan has the same layout, whatever came before', () => {
  const once = layoutGraph(verified(1, [['architect', 'test']]));
  layoutGraph(fanOut(30));
  const again = layoutGraph(verified(1, [['architect', 'test']]));
  assert.deepEqual([...again.nodes], [...once.nodes]);
  assert.deepEqual(again.edges, once.edges);
});

test('columns follow the deepest dependency; answers and merges sit just before what waits for them', () => {
  const column = (g) => Object.fromEntries([...g.nodes].map(([k, p]) => [k, p.layer]));
  assert.deepEqual(column(layoutGraph(diamond())),
    { plan: 0, design: 0, backend: 1, frontend: 1, review: 2, test: 2, summary: 3 });
  assert.deepEqual(column(layoutGraph(verified(1, [['architect', 'test'], ['backend', null]]))),
    { plan: 0, design: 0, backend: 1, test: 2, 'test-fix-1-backend': 3, 'test-recheck-2': 4, 'answer-architect': 1,
      'answer-backend-2': 4, summary: 5 });
  assert.equal(column(layoutGraph(withMerges(diamond(), ['test']))).merge, 1);
});

test('a chain lies on one line, and the default diamond is symmetric', () => {
  const g = layoutGraph(chain(10).filter((n) => n.key !== 'plan').map((n) => (n.key === 'summary' ? node('summary', 'step-10') : n)));
  assert.deepEqual(new Set([...g.nodes.values()].map((p) => p.y)).size, 1);
  const d = layoutGraph(diamond()).nodes;
  const mid = (k) => d.get(k).y + SIZE.height / 2;
  assert.equal(mid('backend') + mid('frontend'), 2 * mid('design'));
  assert.equal(mid('review') + mid('test'), mid('backend') + mid('frontend'));
  assert.ok(Math.abs(mid('review') - mid('test')) >= SIZE.height + SIZE.gapY);
});

test('a cycle, which the orchestrator refuses, or dependencies on unknown subtasks still lay out', () => {
  const g = layoutGraph([node('a', 'c'), node('b', 'a'), node('c', 'b'), node('d', 'nowhere', 'd')]);
  assert.equal(g.nodes.size, 4);
  assert.deepEqual(g.edges.map((e) => `${e.from}>${e.to}`), ['c>a', 'a>b', 'b>c']);
  assert.ok(g.edges.every((e) => !/NaN|undefined/.test(e.d)));
  assert.deepEqual(layoutGraph([]).edges, []);
});

test('heights in order, nearest to what each wants, with the gaps kept', () => {
  assert.deepEqual(fitInOrder([10, 10, 10], [0, 10, 10]), [0, 10, 20]);
  assert.deepEqual(fitInOrder([0, 100], [0, 10]), [0, 100]);
  assert.deepEqual(fitInOrder([50, 0], [0, 20]), [15, 35]);
});
