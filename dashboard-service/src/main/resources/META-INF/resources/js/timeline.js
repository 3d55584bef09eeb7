// The task over time: one row per attempt of each subtask, in dependency order, a bar from when the attempt was
// dispatched (waiting for a worker, light) through when it ran (solid) to how it ended, arrows from each dependency's
// end to the start of what waited for it, and the stretches where no attempt ran shaded across all rows.
import { h, fill, patch, svg } from './dom.js';
import { at } from './state.js';

const LABEL = 200, STATUS = 180, ROW = 24, BAR = 14, AXIS = 24, FOOT = 16, PAD = 6;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export const OUTCOMES = ['waiting', 'running', 'completed', 'failed', 'retried', 'escalated', 'stalled', 'cancelled'];

/** The timeline of the task in box, drawn to the width box has; status is the task's. */
export function renderTimeline(box, s, status) {
  const nodes = [...s.nodes.values()];
  const over = s.meta.finishedTask.has(status);
  if (!nodes.length && !s.attempts.size) {
    fill(box, h('p', { class: 'muted' }, over ? 'No subtask ran.'
      : 'Nothing has run yet: each attempt of each subtask gets a row here once it is dispatched.'));
    return;
  }
  const t = s.task || {};
  const attempts = [...s.attempts.values()].map((a) => ({ ...a, key: s.idToKey.get(a.subtaskId) || a.subtaskId }));
  const finishes = attempts.map((a) => a.finishedAt).filter((x) => x != null);
  const end = over
    ? s.endedAt ?? at(t.finishedAt) ?? Math.max(s.lastAt || 0, ...finishes)
    : Math.max(Date.now(), s.lastAt || 0);
  box.dataset.width = String(box.clientWidth);
  const drawing = drawTimeline(nodes, attempts, { start: at(t.createdAt) ?? s.startedAt, end, width: box.clientWidth },
    s.meta.finishedSubtask);
  // Drawn again every second while the task runs: changed in place when only times and states moved.
  const shown = box.firstElementChild;
  if (shown && shown.tagName === drawing.tagName && patch(shown, drawing)) return;
  fill(box, drawing,
    h('p', { class: 'legend timeline-legend' },
      ...OUTCOMES.map((o) => h('span', { class: 'legend-item tl-' + o }, o === 'stalled' ? 'stalled (lease reclaimed)' : o)),
      h('span', { class: 'legend-item tl-idle' }, 'nothing running'),
      h('span', { class: 'legend-item tl-dep' }, 'dependency')));
}

/**
 * nodes: [{key, title, role, status, dependsOn, reason}] in plan order; attempts: [{key, attempt, dispatchedAt,
 * startedAt, finishedAt (ms), outcome, reason, failure, escalated, escalation, agentId, model}];
 * span: {start, end (ms), width (px)}; finished: the subtask statuses after which nothing more runs.
 */
export function drawTimeline(nodes, attempts, span, finished) {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const tries = new Map();
  for (const a of attempts) {
    if (!byKey.has(a.key)) byKey.set(a.key, { key: a.key, title: a.key, role: a.role || '?', status: '', dependsOn: [] });
    (tries.get(a.key) || tries.set(a.key, []).get(a.key)).push(a);
  }
  tries.forEach((list) => list.sort((x, y) => x.attempt - y.attempt));
  const order = dependencyOrder([...byKey.values()], tries);

  const first = Math.min(span.start ?? Infinity, ...attempts.map(begin).filter(Number.isFinite));
  const t0 = Number.isFinite(first) ? first : span.end;
  const t1 = Math.max(span.end, t0 + 10000);
  const width = Math.max(560, Math.round(span.width || 900));
  const plot = width - LABEL - STATUS - PAD;
  const x = (t) => LABEL + Math.max(0, Math.min(1, (t - t0) / (t1 - t0))) * plot;

  const rows = [];
  order.forEach((n) => {
    const list = tries.get(n.key) || [];
    if (!list.length) rows.push({ n, a: null });
    list.forEach((a, i) => rows.push({ n, a, later: i < list.length - 1 }));
  });
  const height = AXIS + rows.length * ROW + FOOT + PAD;
  const y = (i) => AXIS + i * ROW;

  const parts = [];
  // Ticks every round number of seconds, minutes or hours, at most about eight of them.
  const seconds = (t1 - t0) / 1000;
  const step = STEPS.find((s) => seconds / s <= Math.max(2, Math.floor(plot / 90))) || STEPS[STEPS.length - 1];
  for (let s = 0; s <= seconds + 1e-9; s += step) {
    const tx = x(t0 + s * 1000);
    parts.push(svg('line', { class: 'tl-tick', x1: tx, x2: tx, y1: AXIS - 4, y2: AXIS + rows.length * ROW }),
      svg('text', { class: 'tl-tick-label', x: tx, y: AXIS - 8, 'text-anchor': s === 0 ? 'start' : 'middle' }, duration(s)));
  }

  const ends = new Map();
  rows.forEach((r, i) => {
    const a = r.a;
    if (a) ends.set(r.n.key + '#' + a.attempt, { a, i });
  });
  const gaps = idle(attempts, t0, span.end).filter(([from, to]) => to - from >= Math.max(1000, (t1 - t0) * 0.02));
  gaps.forEach(([from, to]) => {
    const gx = x(from), gw = Math.max(1, x(to) - gx);
    parts.push(svg('rect', { class: 'tl-gap', x: gx, y: AXIS, width: gw, height: rows.length * ROW,
      'data-from': new Date(from).toISOString(), 'data-to': new Date(to).toISOString() },
    svg('title', {}, `nothing ran for ${duration((to - from) / 1000)}`)));
    if (gw >= 34) parts.push(svg('text', { class: 'tl-gap-label', x: gx + gw / 2, y: AXIS + rows.length * ROW + FOOT - 4, 'text-anchor': 'middle' },
      'idle ' + duration((to - from) / 1000)));
  });

  const edges = [];
  const labels = [];
  const bars = [];
  let previous = null;
  rows.forEach((r, i) => {
    const { n, a } = r;
    const top = y(i);
    const mid = top + ROW / 2;
    if (previous && previous !== n.key) labels.push(svg('line', { class: 'tl-sep', x1: 0, x2: width, y1: top, y2: top }));
    const deps = (n.dependsOn || []).filter((d) => byKey.has(d));
    const own = !a || a.attempt === (tries.get(n.key) || [a])[0].attempt;
    labels.push(svg('text', { class: 'tl-label' + (own ? '' : ' tl-again'), x: 4, y: mid + 4 },
      svg('tspan', { class: 'tl-key' }, clip(n.key, 16)), ' ', svg('tspan', { class: 'tl-role' }, n.role),
      a ? svg('tspan', { class: 'tl-attempt' }, ' #' + a.attempt) : null));
    previous = n.key;
    if (!a) {
      const what = finished.has(n.status) && n.status !== 'done' ? n.status : 'pending';
      const why = what === 'pending' ? (deps.length ? 'waits for ' + deps.join(', ') : 'not dispatched yet') : n.reason || '';
      // Where its dependencies have got to, so the note sits where the subtask can start.
      const reached = deps.map((d) => tries.get(d)).filter((l) => l && l.length)
        .map((l) => l[l.length - 1].finishedAt ?? span.end);
      const noteAt = Math.min(reached.length ? x(Math.max(...reached)) + 6 : LABEL + 4, LABEL + plot * 0.7);
      bars.push(svg('g', { class: 'tl-row tl-' + what, 'data-key': n.key, 'data-attempt': 0, 'data-outcome': what, role: 'listitem',
        'aria-label': `${n.key} (${n.role}): ${what}${why ? ', ' + why : ''}` },
      svg('text', { class: 'tl-note', x: noteAt, y: mid + 4 }, clip(why, Math.floor((LABEL + plot - noteAt) / 6.5))),
      svg('text', { class: 'tl-status', x: width - PAD, y: mid + 4, 'text-anchor': 'end' }, what)));
      return;
    }
    const outcome = shown(a, r.later || (!!n.status && !finished.has(n.status)));
    const from = begin(a);
    const started = a.startedAt;
    const stop = a.finishedAt ?? span.end;
    const x0 = x(from), xs = started != null ? x(started) : x(stop), x1 = Math.max(x(stop), x0 + 2);
    const ran = a.finishedAt != null ? (a.finishedAt - (started ?? from)) / 1000 : (span.end - (started ?? from)) / 1000;
    const tip = [`${n.key} (${n.role}) attempt ${a.attempt}: ${outcome}`,
      a.agentId || a.model ? [a.agentId, a.model].filter(Boolean).join(' on ') : null,
      a.dispatchedAt != null ? 'dispatched ' + clock(a.dispatchedAt) : null,
      started != null ? `started ${clock(started)} after ${duration((started - from) / 1000)} waiting` : null,
      a.finishedAt != null ? `ended ${clock(a.finishedAt)}, ${duration(ran)} after it started` : null,
      a.escalated ? 'on a stronger model' + (a.escalation ? ': ' + a.escalation : '') : null,
      a.failure ? 'failure: ' + a.failure.replace(/[_-]/g, ' ') : null,
      a.reason || null,
      deps.length ? 'after ' + deps.join(', ') : null].filter(Boolean).join('\n');
    bars.push(svg('g', {
      class: 'tl-row tl-' + outcome, 'data-key': n.key, 'data-attempt': a.attempt, 'data-outcome': outcome,
      'data-finished': a.finishedAt != null ? 'true' : 'false', role: 'listitem', 'aria-label': tip.split('\n').join('; '),
    },
    svg('title', {}, tip),
    xs > x0 ? svg('rect', { class: 'tl-wait', x: x0, y: mid - BAR / 2 + 3, width: Math.max(1, xs - x0), height: BAR - 6, rx: 2 }) : null,
    started != null ? svg('rect', { class: 'tl-bar', x: xs, y: mid - BAR / 2, width: Math.max(2, x1 - xs), height: BAR, rx: 3 }) : null,
    a.escalated ? svg('rect', { class: 'tl-escalation', x: started != null ? xs : x0, y: mid - BAR / 2 - 2, width: 4, height: BAR + 4, rx: 1 }) : null,
    a.finishedAt != null ? svg('line', { class: 'tl-end', x1: x1, x2: x1, y1: mid - BAR / 2 - 2, y2: mid + BAR / 2 + 2 }) : null,
    svg('text', { class: 'tl-status', x: width - PAD, y: mid + 4, 'text-anchor': 'end' },
      outcome + (started != null ? ' · ' + duration(Math.max(0, ran))
        : (a.finishedAt != null ? ' · waited ' : ' · ') + duration(Math.max(0, stop - from) / 1000))
        + (a.escalated && outcome !== 'escalated' ? ' · escalated' : ''))));
  });

  // An arrow from where each dependency's last attempt ended to where the first attempt of its dependent began.
  order.forEach((n) => {
    const list = tries.get(n.key);
    if (!list || !list.length) return;
    const target = ends.get(n.key + '#' + list[0].attempt);
    (n.dependsOn || []).forEach((d) => {
      const done = tries.get(d);
      if (!done || !done.length || done[done.length - 1].finishedAt == null) return;
      const source = ends.get(d + '#' + done[done.length - 1].attempt);
      const xa = x(source.a.finishedAt), ya = y(source.i) + ROW / 2, xb = x(begin(target.a)), yb = y(target.i) + ROW / 2;
      const down = yb > ya ? 1 : -1;
      const path = xb - xa >= 8
        ? `M${xa},${ya + down * (BAR / 2 + 2)} V${yb} H${xb - 2}`
        : `M${xa},${ya + down * (BAR / 2 + 2)} V${yb - down * (BAR / 2 + 2)}`;
      edges.push(svg('path', { class: 'tl-edge', d: path, 'data-from': d, 'data-to': n.key,
        'marker-end': xb - xa >= 8 ? 'url(#tl-arrow)' : null }));
    });
  });

  return svg('svg', {
    class: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'list',
    'aria-label': 'Timeline of the attempts of each subtask',
  },
  svg('defs', {}, svg('marker', {
    id: 'tl-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto',
  }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'tl-arrow' }))),
  ...parts, ...labels, ...edges, ...bars);
}

function begin(a) {
  return a.dispatchedAt ?? a.startedAt ?? a.finishedAt;
}

// A failed attempt of a subtask that ran again, or is about to, was retried.
function shown(a, again) {
  if (a.finishedAt == null) return a.startedAt == null ? 'waiting' : a.escalated ? 'escalated' : 'running';
  if (a.outcome === 'failed' && again) return 'retried';
  return a.outcome;
}

// Subtasks by the depth of their dependencies, then by when they were first dispatched, then in plan order.
function dependencyOrder(nodes, tries) {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const layer = new Map();
  const depth = (key, seen = new Set()) => {
    if (layer.has(key)) return layer.get(key);
    if (seen.has(key)) return 0;
    seen.add(key);
    const deps = ((byKey.get(key) || {}).dependsOn || []).filter((d) => byKey.has(d));
    const d = deps.length ? 1 + Math.max(...deps.map((k) => depth(k, seen))) : 0;
    layer.set(key, d);
    return d;
  };
  const firstAt = (n) => {
    const list = tries.get(n.key);
    const t = list && list.length ? begin(list[0]) : null;
    return t == null ? Infinity : t;
  };
  return nodes.map((n, i) => ({ n, i, d: depth(n.key), t: firstAt(n) }))
    .sort((p, q) => p.d - q.d || p.t - q.t || p.i - q.i).map((e) => e.n);
}

// The stretches between the start and the end in which no attempt was running.
function idle(attempts, start, end) {
  const runs = attempts.filter((a) => a.startedAt != null)
    .map((a) => [a.startedAt, a.finishedAt ?? end]).sort((p, q) => p[0] - q[0]);
  const gaps = [];
  let at = start;
  for (const [from, to] of runs) {
    if (from > at) gaps.push([at, from]);
    at = Math.max(at, to);
  }
  if (end > at && runs.length) gaps.push([at, end]);
  return gaps;
}

export function duration(s) {
  const whole = Math.round(s);
  if (whole < 60) return whole + 's';
  const m = Math.floor(whole / 60);
  if (m < 60) return m + 'm' + (whole % 60 ? ' ' + (whole % 60) + 's' : '');
  return Math.floor(m / 60) + 'h' + (m % 60 ? ' ' + (m % 60) + 'm' : '');
}

function clock(t) {
  return new Date(t).toLocaleTimeString();
}

function clip(text, max) {
  const s = String(text || '');
  return s.length > max ? s.slice(0, Math.max(1, max - 1)) + '…' : s;
}
