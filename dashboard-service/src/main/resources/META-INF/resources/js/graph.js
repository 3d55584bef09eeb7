// A layered drawing of a task's dependency graph: each node sits one column right of its deepest dependency.
import { h, fill, svg } from './dom.js';
import { checkOf, checkText } from './checks.js';

const W = 170, H = 54, GAP_X = 36, GAP_Y = 16, PAD = 8;

/** nodes: [{key, title, role, status, dependsOn: [keys], escalated, verification: {passed, text, command}}] */
export function drawGraph(nodes, onSelect) {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const layer = new Map();
  const depth = (key, seen = new Set()) => {
    if (layer.has(key)) return layer.get(key);
    if (seen.has(key)) return 0; // a cycle is refused by the orchestrator; never loop on one here
    seen.add(key);
    const n = byKey.get(key);
    const deps = (n && n.dependsOn || []).filter((d) => byKey.has(d));
    const d = deps.length ? 1 + Math.max(...deps.map((x) => depth(x, seen))) : 0;
    layer.set(key, d);
    return d;
  };
  nodes.forEach((n) => depth(n.key));
  const columns = [];
  nodes.forEach((n) => {
    const l = layer.get(n.key);
    (columns[l] = columns[l] || []).push(n);
  });
  const pos = new Map();
  columns.forEach((col, x) => col.forEach((n, y) => pos.set(n.key, {
    x: PAD + x * (W + GAP_X), y: PAD + y * (H + GAP_Y),
  })));
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const width = PAD * 2 + columns.length * W + Math.max(0, columns.length - 1) * GAP_X;
  const height = PAD * 2 + rows * H + (rows - 1) * GAP_Y;

  const edges = [];
  nodes.forEach((n) => (n.dependsOn || []).forEach((d) => {
    const a = pos.get(d), b = pos.get(n.key);
    if (!a || !b) return;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    edges.push(svg('path', {
      class: 'edge' + (byKey.get(d).status === 'done' ? ' edge-done' : ''),
      d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 6},${y2}`, 'marker-end': 'url(#arrow)',
    }));
  }));
  const boxes = nodes.map((n) => {
    const p = pos.get(n.key);
    const state = n.escalated && (n.status === 'running' || n.status === 'dispatched') ? 'escalated' : n.status;
    // Ready but held back by its model's limit (the orchestrator's admission); the tooltip says which and why.
    const held = n.status === 'pending' && /^waiting for /.test(n.reason || '');
    const meta = held ? 'waits for its model' : state;
    const title = n.title.length > 21 ? n.title.slice(0, 20) + '…' : n.title;
    // The last check its agent ran on the team's work: a mark on the node's corner, in words in its tooltip.
    const check = n.verification;
    const checked = check ? (check.passed ? 'passed' : 'failed') : null;
    return svg('g', {
      class: 'node state-' + state, transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button',
      'data-key': n.key, 'data-status': state, 'data-held': held ? 'true' : null, 'data-verification': checked,
      'aria-label': `${n.title} (${n.role}): ${held ? n.reason : state}${check ? '; ' + check.text : ''}`,
      onclick: () => onSelect && onSelect(n), onkeydown: (e) => { if (e.key === 'Enter' && onSelect) onSelect(n); },
    },
    svg('title', {}, `${n.title}\n${n.role} · ${state}${n.reason ? '\n' + n.reason : ''}`
      + `${check ? '\n' + check.text + ': ' + check.command : ''}`),
    svg('rect', { width: W, height: H, rx: 8 }),
    svg('text', { x: 10, y: 21, class: 'node-title' }, title),
    svg('text', { x: 10, y: 40, class: 'node-meta' }, `${n.role} · ${meta}${n.attempt > 1 ? ' · try ' + n.attempt : ''}`),
    check ? svg('g', { class: 'node-check check-' + checked, transform: `translate(${W - 3},3)` },
      svg('circle', { r: 8 }), svg('text', { y: 4, 'text-anchor': 'middle' }, check.passed ? '✓' : '✗')) : null);
  });
  return svg('svg', {
    // Scales down to the card's width, never up: a wide plan stays readable by scrolling less.
    class: 'graph', width: '100%', viewBox: `0 0 ${width} ${height}`, style: `max-width:${width}px`, role: 'img',
    'aria-label': 'Dependency graph of the subtasks',
  },
  svg('defs', {}, svg('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))),
  ...edges, ...boxes);
}

/** The graph of the task's subtasks in box, each with the last check its agents ran, and a legend of their states. */
export function renderGraph(box, s) {
  const nodes = [...s.nodes.values()];
  if (!nodes.length) {
    fill(box, h('p', { class: 'muted' }, s.status === 'submitted' || s.status === 'planning'
      ? 'The lead is planning; the graph appears when the plan is ready.' : 'No plan yet.'));
    return;
  }
  // A running subtask moved to a stronger model is drawn as escalated.
  const states = s.meta.subtaskStatuses.flatMap((x) => (x === 'failed' ? [x, 'escalated'] : [x]));
  fill(box, drawGraph(nodes.map((n) => {
    const check = checkOf(s, n);
    return check ? { ...n, verification: { passed: check.passed, text: checkText(check), command: check.command } } : n;
  })), h('p', { class: 'legend' }, ...states.map((x) => h('span', { class: 'legend-item state-' + x }, x))));
}
