// A layered drawing of a task's dependency graph, laid out by js/layout.js: each node one column right of its deepest
// dependency, and no edge across a node other than its own ends.
import { h, fill, svg } from './dom.js';
import { checkOf, checkText } from './checks.js';
import { layoutGraph, SIZE } from './layout.js';

const W = SIZE.width, H = SIZE.height;

// The layout depends only on the keys and their dependencies: the last one is kept while the plan stays the same.
let last = { shape: null, layout: null };

function layoutOf(nodes) {
  const shape = JSON.stringify(nodes.map((n) => [n.key, n.dependsOn || []]));
  if (shape !== last.shape) last = { shape, layout: layoutGraph(nodes) };
  return last.layout;
}

/** nodes: [{key, title, role, status, dependsOn: [keys], escalated, verification: {passed, text, command}}] */
export function drawGraph(nodes, onSelect) {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const { width, height, nodes: pos, edges: paths } = layoutOf(nodes);
  // Edges into one subtask share their lane where they skip columns: the done ones go below, so a lane turns green
  // only once all of its edges are done.
  const done = (e) => byKey.get(e.from).status === 'done';
  const edges = [...paths.filter(done), ...paths.filter((e) => !done(e))].map((e) => svg('path', {
    class: 'edge' + (done(e) ? ' edge-done' : ''), 'data-from': e.from, 'data-to': e.to, d: e.d,
    'marker-end': 'url(#arrow)',
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
