import { h, fill, patch, money, tokens, elapsed, toast } from './dom.js';
import { get, post, contextPath } from './api.js';
import { EventStream } from './stream.js';
import { begin, role } from './session.js';
import { drawGraph } from './graph.js';
import { highlight, diffLines } from './highlight.js';
import { drawTimeline, OUTCOMES } from './timeline.js';
import { markdown } from './markdown.js';

const ROLES = ['lead', 'architect', 'backend', 'frontend', 'reviewer', 'tester', 'researcher', 'optimizer'];
const FINISHED = new Set(['completed', 'failed', 'cancelled', 'rejected']);
const IN_FLIGHT = new Set(['dispatched', 'running']);
const TOOL_CALLS_KEPT = 50; // per agent: the newest ones
const TOOL_OUTCOMES = new Set(['ok', 'error', 'invalid', 'conflict', 'denied']);
const $ = (id) => document.getElementById(id);

let tasks = [];
let tasksLoaded = false;
let view = null; // the selected task's state, rebuilt from its stream
let taskStream = null;
let allStream = null;
let renderQueued = false;
let running = false; // signed in, with data loaded and a stream open

// ---------------------------------------------------------------- task list and submit form

function buildForm() {
  $('f-roles').append(...ROLES.map((r) => h('label', { class: 'chip' },
    h('input', { type: 'checkbox', name: 'roles', value: r }), ' ' + r)));
  $('submit-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const feedback = $('submit-feedback');
    const description = form.description.value.trim();
    if (!description) {
      say(feedback, 'Describe what the team should build: the description is required.', 'error');
      form.description.focus();
      return;
    }
    const body = {
      title: form.title.value.trim() || undefined,
      description,
      roles: [...form.querySelectorAll('input[name=roles]:checked')].map((c) => c.value),
      approvalMode: form.approvalMode.value,
    };
    if (form.budgetUsd.value.trim()) body.budgetUsd = form.budgetUsd.value.trim();
    const button = $('f-submit');
    button.disabled = true;
    say(feedback, 'Submitting…', 'busy');
    try {
      const task = await post('/api/tasks', body);
      say(feedback, `Submitted “${task.title || body.title || 'task'}”.`, 'ok');
      toast('Task submitted');
      form.reset();
      await loadTasks();
      if (task && task.id) location.hash = '#/tasks/' + task.id;
    } catch (err) {
      say(feedback, 'Not submitted: ' + err.message, 'error');
    } finally {
      button.disabled = false;
    }
  });
}

async function loadTasks() {
  try {
    const list = await get('/api/tasks?size=100');
    if (!running) return;
    tasks = list;
    tasksLoaded = true;
    $('tasks-error').hidden = true;
  } catch (err) {
    if (!running) return;
    $('tasks-error').hidden = false;
    $('tasks-error').textContent = 'Cannot list tasks: ' + err.message;
  }
  renderTaskList();
}

let taskReload = null;
function reloadTasksSoon() {
  clearTimeout(taskReload);
  taskReload = setTimeout(loadTasks, 300);
}

function renderTaskList() {
  const list = $('task-list');
  fill(list, ...tasks.map((t) => h('li', {
    class: 'task-item' + (view && view.id === t.id ? ' selected' : ''), 'data-task-id': t.id,
  }, h('a', { href: '#/tasks/' + t.id },
    h('span', { class: 'task-title' }, t.title || t.description || t.id),
    h('span', { class: 'task-meta' },
      h('span', { class: 'status status-' + t.status }, label(t.status)),
      h('span', { class: 'elapsed', title: 'elapsed' }, elapsed(t.createdAt, t.finishedAt)),
      h('span', { class: 'cost', title: 'cost so far' }, money(t.costUsd)))))));
  if (tasksLoaded && !tasks.length) list.append(h('li', { class: 'muted' }, 'No tasks yet.'));
  if (!view) $('empty').hidden = false;
}

// ---------------------------------------------------------------- one task: state

function newView(id) {
  return {
    id, task: null, status: null, submitted: null, plan: null, planEvent: null, nodes: new Map(),
    idToKey: new Map(), agents: new Map(), messages: [], conflicts: new Map(), artifacts: new Map(),
    completedUsage: null, artifact: null, planRendered: null, rows: new Map(), attempts: new Map(), startedAt: null,
    endedAt: null, lastAt: null, verification: null, checks: 0,
  };
}

async function loadSnapshot() {
  const v = view;
  try {
    const task = await get('/api/tasks/' + encodeURIComponent(v.id));
    if (v !== view) return;
    v.task = task;
    v.snapshotError = null;
    if (!v.status) v.status = task.status;
    for (const s of task.subtasks || []) {
      const key = s.key || s.id;
      adoptProvisional(v, s.id, key);
      v.idToKey.set(s.id, key);
      const n = node(v, key, s.title, s.role);
      n.id = s.id;
      n.dependsOn = s.dependsOn || n.dependsOn;
      if (!n.fromEvent) n.status = s.status;
      n.attempt = Math.max(n.attempt || 0, s.attempt || 0);
      n.snapshot = s;
      n.check = s.verification && typeof s.verification === 'object'
        ? { ...s.verification, at: at(s.finishedAt) ?? at(s.startedAt) ?? 0 } : null;
      for (const x of s.attempts || []) adoptAttempt(v, s.id, x);
    }
  } catch (err) {
    if (v !== view) return;
    v.snapshotError = err.message;
  }
  schedule();
}

// A subtask first seen in an event, before any snapshot named it, got a node keyed by its id; once the snapshot
// gives its plan key, that node becomes (or merges into) the keyed one, so the graph never shows it twice.
function adoptProvisional(v, id, key) {
  if (key === id) return;
  const provisional = v.nodes.get(id);
  if (!provisional) return;
  v.nodes.delete(id);
  const keyed = v.nodes.get(key);
  if (!keyed) {
    provisional.key = key;
    v.nodes.set(key, provisional);
  } else if (provisional.fromEvent) {
    keyed.status = provisional.status;
    keyed.fromEvent = true;
    keyed.attempt = Math.max(keyed.attempt || 0, provisional.attempt || 0);
  }
  for (const a of v.agents ? v.agents.values() : []) {
    if (a.key === id) a.key = key;
  }
}

let snapshotTimer = null;
function reloadSnapshotSoon() {
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(loadSnapshot, 400);
}

function node(v, key, title, role) {
  let n = v.nodes.get(key);
  if (!n) {
    n = { key, title: title || key, role: role || '?', status: 'pending', dependsOn: [], attempt: 0 };
    v.nodes.set(key, n);
  }
  if (title) n.title = title;
  if (role) n.role = role;
  return n;
}

function nodeOf(v, subtaskId, title, role) {
  let key = v.idToKey.get(subtaskId);
  if (!key && title) {
    const match = [...v.nodes.values()].find((n) => !n.id && n.title === title && (!role || n.role === role));
    if (match) {
      key = match.key;
      match.id = subtaskId;
      v.idToKey.set(subtaskId, key);
    }
  }
  if (!key) {
    if (!title) return null;
    key = subtaskId;
    v.idToKey.set(subtaskId, key);
    reloadSnapshotSoon();
  }
  return node(v, key, title, role);
}

function setPlan(v, subtasks) {
  for (const s of subtasks || []) {
    const n = node(v, s.id, s.title, s.role);
    n.dependsOn = s.dependsOn || [];
  }
}

function apply(v, type, e) {
  switch (type) {
    case 'task.submitted':
      v.submitted = e;
      v.status = v.status || 'submitted';
      break;
    case 'task.planned':
      setPlan(v, e.subtasks);
      v.plan = { subtasks: e.subtasks, estimate: v.plan && v.plan.estimate, subtaskEstimates: v.plan && v.plan.subtaskEstimates,
        awaiting: !!(v.plan && v.plan.awaiting) };
      v.status = v.status === 'awaiting-approval' ? v.status : 'running';
      break;
    case 'task.awaiting-approval':
      setPlan(v, e.subtasks);
      v.plan = { subtasks: e.subtasks, estimate: e.estimate, subtaskEstimates: e.subtaskEstimates || {}, awaiting: true };
      v.status = 'awaiting-approval';
      break;
    case 'task.approved':
      if (v.plan) v.plan.awaiting = false;
      v.status = 'running';
      break;
    case 'task.rejected':
      if (v.plan) v.plan.awaiting = false;
      v.status = 'rejected';
      v.reason = e.reason;
      break;
    case 'task.paused': v.status = 'paused'; v.reason = e.reason; break;
    case 'task.resumed': v.status = 'running'; v.reason = null; break;
    case 'task.completed': v.status = 'completed'; v.completedUsage = e.usage; v.summary = e.summary; break;
    case 'task.failed': v.status = 'failed'; v.reason = e.reason; break;
    case 'task.cancelled': v.status = 'cancelled'; v.reason = e.reason; break;
    case 'subtask.state-changed': {
      const n = nodeOf(v, e.subtaskId, e.title, e.role);
      if (n) {
        n.status = e.status;
        n.fromEvent = true;
        n.attempt = e.attempt || n.attempt;
        n.reason = e.reason;
      }
      // Back to pending or cancelled while its attempt still ran: that attempt was stopped (by a person, or by a
      // pause), or its lease was reclaimed; the reason says which.
      const a = (e.status === 'pending' || e.status === 'cancelled') && v.agents.get(e.subtaskId + '#' + e.attempt);
      if (a && a.status === 'running') {
        Object.assign(a, { status: STALLED.test(e.reason || '') ? 'reclaimed' : 'stopped', phase: null, reason: e.reason });
      }
      break;
    }
    case 'agent.started': {
      const a = agent(v, e);
      Object.assign(a, { agentId: e.agentId, role: e.role, provider: e.model.provider, model: e.model.model, status: 'running', phase: 'started' });
      const n = nodeOf(v, e.subtaskId);
      if (n && !['done', 'failed', 'skipped', 'cancelled'].includes(n.status)) { n.status = 'running'; a.key = n.key; }
      break;
    }
    case 'agent.progress': {
      const a = agent(v, e);
      a.tokens = Math.max(a.tokens || 0, e.tokens || 0);
      a.phase = e.phase;
      break;
    }
    case 'agent.completed': {
      const a = agent(v, e);
      Object.assign(a, { status: 'done', phase: 'done', usage: e.usage, role: e.role, provider: e.model.provider, model: e.model.model });
      if (e.usage) a.tokens = Math.max(a.tokens || 0, e.usage.completionTokens || 0);
      if (e.verification) {
        a.verification = { ...e.verification, at: at(e.occurredAt) ?? Date.now(), seq: ++v.checks };
        const last = v.verification;
        if (!last || a.verification.at >= last.at) v.verification = { ...a.verification, agent: a.id };
      }
      break;
    }
    case 'agent.tool-called': {
      const a = agent(v, e);
      if (!a.agentId) a.agentId = e.agentId;
      if (!a.role) a.role = e.role;
      a.toolCount = (a.toolCount || 0) + 1;
      if (e.outcome !== 'ok') a.toolProblems = (a.toolProblems || 0) + 1;
      a.tools.push({ seq: a.toolCount, turn: e.turn, tool: e.tool, outcome: e.outcome, arguments: e.arguments,
        result: e.result, durationMillis: e.durationMillis });
      if (a.tools.length > TOOL_CALLS_KEPT) a.tools.splice(0, a.tools.length - TOOL_CALLS_KEPT);
      break;
    }
    case 'agent.failed': {
      // An attempt can fail before it starts (its inputs unreadable, no model yet): then this event is the
      // only one that names its agent, role and subtask.
      const a = agent(v, e);
      // The worker reports a stopped attempt as cancelled; the orchestrator's reason (who stopped it, why) says more.
      const stopped = a.status === 'stopped' && e.failure === 'cancelled';
      Object.assign(a, { agentId: a.agentId || e.agentId, role: a.role || e.role, status: stopped ? 'stopped' : 'failed',
        phase: label(e.failure), reason: stopped ? a.reason : e.reason, usage: e.usage || a.usage });
      if (e.model && !a.model) Object.assign(a, { provider: e.model.provider, model: e.model.model });
      const n = !a.key && nodeOf(v, e.subtaskId);
      if (n) a.key = n.key;
      break;
    }
    case 'agent.escalated': {
      const n = nodeOf(v, e.subtaskId);
      if (n) { n.escalated = true; n.escalation = `${e.from.provider}/${e.from.model} → ${e.to.provider}/${e.to.model}: ${e.reason}`; }
      v.messages.push({ system: true, at: e.occurredAt, text: `${e.role} escalated from ${e.from.model} (${e.from.provider}) to ${e.to.model} (${e.to.provider}): ${e.reason}` });
      break;
    }
    case 'agent.message':
      v.messages.push(e);
      break;
    case 'artifact.published':
      v.artifacts.set(e.key, { key: e.key, version: e.version, kind: e.kind, tombstone: e.tombstone, author: e.author });
      if (v.artifact && v.artifact.key === e.key) v.artifact.stale = true;
      break;
    case 'artifact.conflict':
      v.conflicts.set(e.conflictId, { ...e, status: 'pending' });
      break;
    case 'artifact.resolved': {
      const c = v.conflicts.get(e.conflictId) || { conflictId: e.conflictId, key: e.key };
      v.conflicts.set(e.conflictId, { ...c, status: 'resolved', resolvedVersion: e.version, resolvedBy: e.resolvedBy });
      break;
    }
    default:
      break;
  }
  track(v, type, e);
}

function agent(v, e) {
  const id = e.subtaskId + '#' + e.attempt;
  let a = v.agents.get(id);
  if (!a) {
    a = { id, subtaskId: e.subtaskId, attempt: e.attempt, tokens: 0, status: 'running', tools: [], toolCount: 0 };
    v.agents.set(id, a);
  }
  if (!a.key) {
    const key = v.idToKey.get(e.subtaskId);
    if (key) a.key = key;
  }
  return a;
}

// ---------------------------------------------------------------- one task: attempts over time

const SNAPSHOT_OUTCOMES = { dispatched: 'waiting', running: 'running', expired: 'stalled', stale: 'stalled' };
const STALLED = /no heartbeat|reclaimed|no worker started/;

function attemptOf(v, subtaskId, n) {
  const id = subtaskId + '#' + n;
  let a = v.attempts.get(id);
  if (!a) {
    a = { id, subtaskId, attempt: n, outcome: 'waiting', dispatchedAt: null, startedAt: null, finishedAt: null };
    v.attempts.set(id, a);
  }
  return a;
}

function at(iso) {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : null;
}

// The first end reported wins: the orchestrator's word on a stopped or reclaimed attempt comes before the worker's.
function endAttempt(a, when, outcome, reason) {
  if (a.finishedAt != null) return;
  a.finishedAt = when;
  a.outcome = outcome;
  if (reason) a.reason = reason;
}

// How a subtask's attempt ended when it went back to pending: retried after a failure, reclaimed, or stopped.
function pendingOutcome(reason) {
  const r = reason || '';
  if (STALLED.test(r)) return 'stalled';
  return /stopped|paused|cancel/.test(r) && !/failed/.test(r) ? 'cancelled' : 'failed';
}

function track(v, type, e) {
  const when = at(e.occurredAt) ?? Date.now();
  v.lastAt = Math.max(v.lastAt || 0, when);
  if (type === 'task.submitted') { v.startedAt = v.startedAt ?? when; return; }
  if (type === 'task.completed' || type === 'task.failed' || type === 'task.cancelled' || type === 'task.rejected') {
    v.endedAt = when;
    return;
  }
  if (!e.subtaskId || !(e.attempt > 0)) return;
  const a = attemptOf(v, e.subtaskId, e.attempt);
  switch (type) {
    case 'subtask.state-changed':
      if (e.status === 'dispatched') {
        a.dispatchedAt = a.dispatchedAt ?? when;
        // An earlier attempt still open when the next is dispatched was given up on (its start or heartbeat late).
        for (const b of v.attempts.values()) {
          if (b.subtaskId === e.subtaskId && b.attempt < e.attempt) endAttempt(b, when, pendingOutcome(e.reason), e.reason);
        }
      } else if (e.status === 'running') {
        a.startedAt = a.startedAt ?? when;
        if (a.finishedAt == null) a.outcome = 'running';
      } else if (e.status === 'pending') {
        endAttempt(a, when, pendingOutcome(e.reason), e.reason);
      } else if (e.status === 'done') {
        // A reclaimed attempt whose result came in before its replacement started counts after all, and the
        // replacement is not needed.
        if (a.outcome === 'stalled') Object.assign(a, { finishedAt: null, reason: null });
        endAttempt(a, when, 'completed');
        for (const b of v.attempts.values()) {
          if (b.subtaskId === e.subtaskId && b.attempt > e.attempt) endAttempt(b, when, 'cancelled', 'not needed');
        }
      } else if (e.status === 'failed') {
        endAttempt(a, when, STALLED.test(e.reason || '') ? 'stalled' : 'failed', e.reason);
      } else if (e.status === 'cancelled') {
        endAttempt(a, when, 'cancelled', e.reason);
      }
      break;
    case 'agent.started':
      a.startedAt = a.startedAt ?? when;
      if (a.finishedAt == null) a.outcome = 'running';
      Object.assign(a, { agentId: e.agentId, model: e.model && e.model.model });
      break;
    case 'agent.progress':
    case 'agent.heartbeat':
    case 'agent.tool-called':
      a.startedAt = a.startedAt ?? when;
      break;
    case 'agent.completed':
      endAttempt(a, when, 'completed');
      a.agentId = a.agentId || e.agentId;
      break;
    case 'agent.failed':
      endAttempt(a, when, e.failure === 'cancelled' ? 'cancelled' : e.failure === 'stalled' ? 'stalled' : 'failed', e.reason);
      a.failure = a.failure || e.failure;
      a.agentId = a.agentId || e.agentId;
      break;
    case 'agent.escalated':
      a.escalated = true;
      a.escalation = `${e.from.model} (${e.from.provider}) → ${e.to.model} (${e.to.provider}): ${e.reason}`;
      break;
    default:
      break;
  }
}

// The orchestrator's record of an attempt: its times, and how it ended once it has.
function adoptAttempt(v, subtaskId, x) {
  const a = attemptOf(v, subtaskId, x.attempt);
  a.dispatchedAt = at(x.dispatchedAt) ?? a.dispatchedAt;
  a.startedAt = at(x.startedAt) ?? a.startedAt;
  const outcome = SNAPSHOT_OUTCOMES[x.outcome] || x.outcome;
  if (x.finishedAt && outcome !== 'waiting' && outcome !== 'running') {
    a.finishedAt = at(x.finishedAt);
    a.outcome = outcome;
    a.reason = x.reason || a.reason;
  } else if (a.finishedAt == null && outcome === 'running') {
    a.outcome = 'running';
  }
  a.failure = a.failure || x.failureKind;
  a.agentId = a.agentId || x.agentId;
  a.model = a.model || x.model;
}

// ---------------------------------------------------------------- one task: page

// A browser opens at most six connections to one host over HTTP/1.1 and each stream holds one, so a page keeps a
// single stream: the selected task's, or, with none selected, the one of all tasks for the list.
function openTask(id) {
  if (taskStream) taskStream.close();
  allStream.close();
  view = newView(id);
  $('empty').hidden = true;
  const tv = $('task-view');
  tv.hidden = false;
  tv.replaceChildren(skeleton(view));
  // The timeline is drawn to the width it has: drawn again when that changes (a scrollbar, a narrower window).
  const box = $('t-timeline');
  new ResizeObserver(() => { if (view && box.isConnected && String(box.clientWidth) !== box.dataset.width) schedule(); })
    .observe(box);
  renderTaskList();
  loadSnapshot();
  const v = view;
  taskStream = new EventStream('/api/tasks/' + encodeURIComponent(id) + '/stream', (type, data) => {
    if (v !== view) return;
    apply(v, type, data);
    if (type.startsWith('task.')) reloadTasksSoon();
    schedule();
  }, connection, checkSession);
  taskStream.open();
}

function closeTask() {
  if (taskStream) taskStream.close();
  taskStream = null;
  allStream.open();
  view = null;
  $('task-view').hidden = true;
  $('empty').hidden = false;
  renderTaskList();
}

function skeleton(v) {
  return h('div', { class: 'task' },
    h('section', { class: 'card task-head' },
      h('div', { id: 't-head' }),
      h('div', { class: 'controls' },
        button('Pause', 'c-pause', () => command('pause', 'Pausing', 'Paused')),
        h('span', { id: 'c-resume-group', class: 'resume-group' },
          h('input', { id: 'c-budget', inputmode: 'decimal', placeholder: 'new budget, USD (optional)',
            'aria-label': 'New budget in US dollars, optional' }),
          button('Resume', 'c-resume', resume)),
        cancelButton()),
      h('p', { id: 'control-feedback', class: 'feedback', role: 'status', 'aria-live': 'polite' })),
    h('section', { class: 'card', id: 'plan-card', hidden: true }),
    h('section', { class: 'card timeline-card' }, h('h2', {}, 'Timeline'), h('div', { id: 't-timeline', class: 'timeline-box' })),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, 'Plan graph'), h('div', { id: 't-graph', class: 'graph-box' })),
      h('section', { class: 'card' }, h('h2', {}, 'Agents'), h('div', { id: 't-agents' }))),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, 'Messages'), h('ol', { id: 't-messages', class: 'messages' }),
        messageForm()),
      h('section', { class: 'card' }, h('h2', {}, 'Tokens and cost'), h('div', { id: 't-costs' }),
        h('h3', {}, 'Conflicts'), h('ul', { id: 't-conflicts', class: 'conflicts' }))),
    h('section', { class: 'card' }, h('h2', {}, 'Artifacts'),
      h('div', { class: 'artifacts' }, h('nav', { id: 't-tree', class: 'tree', 'aria-label': 'Artifacts' }),
        h('div', { id: 't-artifact', class: 'artifact-view' },
          h('p', { class: 'muted' }, 'Pick an artifact on the left to read it, its versions and their diffs.')))));
}

function button(text, id, onclick, cls = '') {
  return h('button', { id, type: 'button', class: cls, onclick }, text);
}

function cancelButton() {
  let armed = null;
  const b = button('Cancel task', 'c-cancel', () => {
    if (!armed) {
      b.textContent = 'Click again to cancel';
      b.classList.add('danger');
      armed = setTimeout(() => { armed = null; b.textContent = 'Cancel task'; b.classList.remove('danger'); }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    b.textContent = 'Cancel task';
    b.classList.remove('danger');
    command('cancel', 'Cancelling', 'Cancelled');
  });
  return b;
}

// A task paused at its budget resumes only with a higher one; the orchestrator says so if it is missing.
async function resume() {
  const budget = $('c-budget').value.trim();
  const ok = await command('resume', 'Resuming', budget ? `Resumed with a budget of ${money(budget)}` : 'Resumed',
    undefined, budget ? '?budgetUsd=' + encodeURIComponent(budget) : '');
  if (ok) $('c-budget').value = '';
}

async function command(name, doing, done, body, query = '') {
  const feedback = $('control-feedback');
  say(feedback, doing + '…', 'busy');
  const buttons = document.querySelectorAll('.controls button, #plan-card button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await post(`/api/tasks/${encodeURIComponent(view.id)}/${name}${query}`, body);
    say(feedback, done + '.', 'ok');
    toast(done);
    reloadSnapshotSoon();
    reloadTasksSoon();
    return true;
  } catch (err) {
    // The dashboard's errors already say what could not be done and why.
    say(feedback, err.message, 'error');
    return false;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    schedule();
  }
}

function schedule() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    if (view) render(view);
  });
}

function render(v) {
  const t = v.task || {};
  const status = v.status || t.status || 'submitted';
  const submitted = v.submitted || {};
  const title = t.title || submitted.title || v.id;
  const totals = costTotals(v);
  const summary = v.summary || t.summary;
  fill($('t-head'), 
    h('h2', { class: 'task-name' }, title),
    h('div', { class: 'task-facts' },
      h('span', { id: 't-status', class: 'status status-' + status }, label(status)),
      h('span', {}, 'elapsed ', h('b', {}, elapsed(t.createdAt || submitted.occurredAt, t.finishedAt))),
      h('span', {}, 'cost ', h('b', { id: 't-cost' }, money(t.costUsd != null && (totals.cost == null
        || Number(t.costUsd) > totals.cost) ? t.costUsd : totals.cost))),
      t.budgetUsd != null ? h('span', {}, 'budget ', h('b', {}, money(t.budgetUsd))) : null,
      h('span', {}, 'approval ', h('b', {}, t.approvalMode || submitted.approvalMode || '—')),
      lastCheck(v)),
    (t.description || submitted.description) ? h('p', { class: 'description' }, t.description || submitted.description) : null,
    v.reason ? h('p', { class: 'reason' + (status === 'paused' ? ' info' : '') }, 'Reason: ' + v.reason) : null,
    summary ? h('div', { class: 'summary' }, h('h3', {}, 'Summary'), h('div', { class: 'summary-text md' }, markdown(summary))) : null,
    v.snapshotError ? h('p', { class: 'feedback error' }, 'Task details unavailable: ' + v.snapshotError) : null);
  $('c-pause').hidden = FINISHED.has(status) || status === 'paused';
  $('c-resume-group').hidden = status !== 'paused';
  $('c-cancel').hidden = FINISHED.has(status);
  renderPlan(v, status);
  renderTimeline(v, status);
  renderGraph(v);
  renderAgents(v, status);
  renderMessages(v);
  renderCosts(v, totals);
  renderConflicts(v);
  renderTree(v);
}

// The last check an agent ran on the team's work, whichever subtask ran it: from the events, else from the
// orchestrator's record of its subtasks (a task whose events are gone).
function lastCheck(v) {
  let c = v.verification;
  let subtask = '';
  if (c) {
    const a = v.agents.get(c.agent);
    subtask = a ? `${a.key || a.subtaskId}${a.attempt > 1 ? ' #' + a.attempt : ''}` : '';
  } else {
    const n = [...v.nodes.values()].filter((x) => x.check).sort((x, y) => y.check.at - x.check.at)[0];
    if (!n) return null;
    c = n.check;
    subtask = n.key;
  }
  return h('span', { id: 't-verification', 'data-verification': c.passed ? 'passed' : 'failed', title: c.command },
    'last check ', h('b', { class: 'check-' + (c.passed ? 'passed' : 'failed') }, checkText(c)),
    subtask ? ' · ' + subtask : '');
}

function checkText(c) {
  if (c.passed) return 'tests passed';
  return c.timedOut ? 'tests failed (timed out)' : `tests failed (exit ${c.exitCode})`;
}

// A subtask's check: the one of its latest attempt that ran one, else the orchestrator's record of it.
function checkOf(v, n) {
  let best = null;
  for (const a of v.agents.values()) {
    if (!a.verification || !(a.key === n.key || (n.id && a.subtaskId === n.id))) continue;
    if (!best || a.attempt > best.attempt || (a.attempt === best.attempt && a.verification.seq > best.verification.seq)) best = a;
  }
  return best ? best.verification : n.check;
}

function renderPlan(v, status) {
  const card = $('plan-card');
  const plan = v.plan;
  if (!plan) { card.hidden = true; return; }
  const awaiting = plan.awaiting && status === 'awaiting-approval';
  const signature = JSON.stringify([plan.subtasks, awaiting]);
  if (v.planRendered === signature) return;
  v.planRendered = signature;
  card.hidden = false;
  const est = plan.estimate;
  const editor = h('textarea', { id: 'plan-editor', class: 'code', rows: 14, spellcheck: 'false', hidden: true },
    JSON.stringify(plan.subtasks, null, 2));
  const reason = h('input', { id: 'reject-reason', placeholder: 'Why? (sent to the lead)', hidden: true,
    'aria-label': 'Why you reject the plan', oninput: () => reason.removeAttribute('aria-invalid') });
  const table = h('table', { class: 'plan' },
    h('thead', {}, h('tr', {}, h('th', {}, 'id'), h('th', {}, 'role'), h('th', {}, 'title'),
      h('th', {}, 'after'), h('th', {}, 'writes'), h('th', {}, 'estimate'))),
    h('tbody', {}, (plan.subtasks || []).map((s) => {
      const e = (plan.subtaskEstimates || {})[s.id];
      return h('tr', {}, h('td', {}, s.id), h('td', {}, s.role), h('td', { title: s.instructions || '' }, s.title),
        h('td', {}, (s.dependsOn || []).join(', ') || '—'), h('td', {}, (s.writes || []).join(', ') || '—'),
        h('td', {}, e ? `${tokens(e.tokens)} tok · ${money(e.costUsd)}` : '—'));
    })));
  const estimate = est ? h('p', { class: 'estimate' }, `Estimate: ${tokens(est.tokens)} tokens, ${money(est.costUsd)}, about ${est.seconds}s.`) : null;
  if (!awaiting) {
    fill(card, h('details', { id: 'plan-details' },
      h('summary', {}, h('b', {}, 'Plan'), ` · ${count((plan.subtasks || []).length, 'subtask')}`, est ? ` · estimated ${money(est.costUsd)}` : '',
        ' (show)'), estimate, table));
    return;
  }
  const children = [h('h2', {}, 'Plan waiting for your approval'), estimate, table];
  {
    const editButton = button('Edit plan', 'p-edit', () => {
      editor.hidden = !editor.hidden;
      editButton.textContent = editor.hidden ? 'Edit plan' : 'Discard edits';
      if (editor.hidden) editor.value = JSON.stringify(plan.subtasks, null, 2);
    });
    const feedback = h('p', { id: 'plan-feedback', class: 'feedback', role: 'status', 'aria-live': 'polite' });
    const approve = button('Approve plan', 'p-approve', async () => {
      let body;
      if (!editor.hidden) {
        try {
          const subtasks = JSON.parse(editor.value);
          if (!Array.isArray(subtasks)) throw new Error('the plan must be a JSON array of subtasks');
          body = { subtasks };
        } catch (err) {
          say(feedback, 'The edited plan is not valid JSON: ' + err.message, 'error');
          return;
        }
      }
      say(feedback, 'Approving…', 'busy');
      const ok = await command('approve', 'Approving', body ? 'Approved the edited plan' : 'Approved', body);
      say(feedback, ok ? 'Approved; the team starts.' : $('control-feedback').textContent, ok ? 'ok' : 'error');
    }, 'primary');
    const reject = button('Reject…', 'p-reject', async () => {
      if (reason.hidden) { reason.hidden = false; reject.textContent = 'Send rejection'; reason.focus(); return; }
      if (!reason.value.trim()) {
        say(feedback, 'Say why you reject the plan.', 'error');
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      const ok = await command('reject', 'Rejecting', 'Rejected', { reason: reason.value.trim() });
      say(feedback, ok ? 'Rejected.' : $('control-feedback').textContent, ok ? 'ok' : 'error');
    }, 'danger');
    children.push(h('div', { class: 'controls' }, approve, editButton, reject, reason), editor, feedback);
  }
  fill(card, ...children);
}

function renderGraph(v) {
  const box = $('t-graph');
  const nodes = [...v.nodes.values()];
  if (!nodes.length) {
    fill(box, h('p', { class: 'muted' }, v.status === 'submitted' || v.status === 'planning'
      ? 'The lead is planning; the graph appears when the plan is ready.' : 'No plan yet.'));
    return;
  }
  fill(box, drawGraph(nodes.map((n) => {
    const check = checkOf(v, n);
    return check ? { ...n, verification: { passed: check.passed, text: checkText(check), command: check.command } } : n;
  })), h('p', { class: 'legend' },
    ...['pending', 'dispatched', 'running', 'done', 'failed', 'escalated', 'skipped', 'cancelled']
      .map((s) => h('span', { class: 'legend-item state-' + s }, s))));
}

function renderTimeline(v, status) {
  const box = $('t-timeline');
  const nodes = [...v.nodes.values()];
  if (!nodes.length && !v.attempts.size) {
    fill(box, h('p', { class: 'muted' }, FINISHED.has(status) ? 'No subtask ran.'
      : 'Nothing has run yet: each attempt of each subtask gets a row here once it is dispatched.'));
    return;
  }
  const t = v.task || {};
  const attempts = [...v.attempts.values()].map((a) => ({ ...a, key: v.idToKey.get(a.subtaskId) || a.subtaskId }));
  const finishes = attempts.map((a) => a.finishedAt).filter((x) => x != null);
  const end = FINISHED.has(status)
    ? v.endedAt ?? at(t.finishedAt) ?? Math.max(v.lastAt || 0, ...finishes)
    : Math.max(Date.now(), v.lastAt || 0);
  box.dataset.width = String(box.clientWidth);
  const drawing = drawTimeline(nodes, attempts, { start: at(t.createdAt) ?? v.startedAt, end, width: box.clientWidth });
  // Drawn again every second while the task runs: changed in place when only times and states moved.
  const shown = box.firstElementChild;
  if (shown && shown.tagName === drawing.tagName && patch(shown, drawing)) return;
  fill(box, drawing,
    h('p', { class: 'legend timeline-legend' },
      ...OUTCOMES.map((o) => h('span', { class: 'legend-item tl-' + o }, o === 'stalled' ? 'stalled (lease reclaimed)' : o)),
      h('span', { class: 'legend-item tl-idle' }, 'nothing running'),
      h('span', { class: 'legend-item tl-dep' }, 'dependency')));
}

// Rows are kept and updated in place, not rebuilt: a stop form being filled in must survive the renders that
// follow every event and every second.
function renderAgents(v, status) {
  const box = $('t-agents');
  const agents = [...v.agents.values()];
  if (!agents.length) {
    fill(box, h('p', { class: 'muted' }, 'No agent has started yet.'));
    return;
  }
  const els = agents.map((a) => {
    let row = v.rows.get(a.id);
    if (!row) {
      row = agentRow(v, a);
      v.rows.set(a.id, row);
    }
    updateAgentRow(v, a, row, status);
    return row.el;
  });
  if (els.length !== box.children.length || els.some((el, i) => box.children[i] !== el)) fill(box, ...els);
}

function agentRow(v, a) {
  const row = { open: false, busy: false };
  row.line = h('div', { class: 'agent-line' });
  row.fill = h('div', { class: 'fill' });
  row.bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, row.fill);
  row.phase = h('div', { class: 'agent-phase' });
  row.stop = h('button', { type: 'button', class: 'stop-open', hidden: true,
    onclick: () => openStop(row) }, 'Stop');
  row.reason = h('input', { class: 'stop-reason', maxlength: 500, placeholder: 'Why? (optional)' });
  row.retry = h('input', { type: 'checkbox', class: 'stop-retry', checked: true, onchange: () => stopHint(row) });
  row.hint = h('p', { class: 'hint stop-hint' });
  row.send = h('button', { type: 'submit', class: 'stop-send danger' }, 'Stop agent');
  row.keep = h('button', { type: 'button', class: 'stop-keep', onclick: () => closeStop(row) }, 'Keep running');
  row.form = h('form', {
    class: 'stop-form', hidden: true,
    onsubmit: (e) => { e.preventDefault(); stopAgent(v, a, row); },
    onkeydown: (e) => { if (e.key === 'Escape' && !row.busy) closeStop(row); },
  }, row.reason, h('label', {}, row.retry, 'Run it again'), row.send, row.keep, row.hint);
  row.feedback = h('p', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
  row.check = h('div', { class: 'check', hidden: true });
  row.toolCount = h('span', { class: 'tool-count' });
  row.toolList = h('ol', { class: 'tool-list' });
  row.tools = h('details', { class: 'tools', open: true, hidden: true },
    h('summary', {}, row.toolCount), row.toolList);
  row.el = h('div', {}, row.line, row.bar, h('div', { class: 'agent-foot' }, row.phase, row.stop), row.form, row.feedback,
    row.check, row.tools);
  stopHint(row);
  return row;
}

function updateAgentRow(v, a, row, status) {
  const est = v.plan && v.plan.subtaskEstimates && a.key && v.plan.subtaskEstimates[a.key];
  const done = a.status === 'done';
  const pct = done ? 100 : est && est.tokens ? Math.min(95, (100 * a.tokens) / est.tokens)
    : Math.min(90, (100 * a.tokens) / (a.tokens + 800));
  const local = a.provider === 'ollama';
  const n = a.key && v.nodes.get(a.key);
  row.el.className = 'agent agent-' + a.status;
  row.el.dataset.agent = a.agentId || a.id;
  row.el.dataset.tokens = a.tokens;
  fill(row.line,
    h('b', {}, a.role || '?'),
    a.provider ? h('span', { class: 'badge ' + (local ? 'local' : 'cloud'), title: a.provider }, local ? 'local' : 'cloud') : null,
    h('span', { class: 'model' }, a.model || ''),
    n ? h('span', { class: 'agent-task' }, n.title) : null,
    h('span', { class: 'agent-tokens' }, tokens(a.tokens) + ' tokens'));
  row.bar.setAttribute('aria-valuenow', Math.round(pct));
  row.bar.setAttribute('aria-label', `${a.role} progress`);
  row.fill.style.width = pct.toFixed(1) + '%';
  row.phase.textContent = `${a.status}${a.phase && a.phase !== a.status ? ' · ' + a.phase : ''}`
    + `${a.attempt > 1 ? ' · attempt ' + a.attempt : ''}${a.reason ? ' · ' + a.reason : ''}`;
  const name = a.agentId || a.role || 'this agent';
  row.stop.setAttribute('aria-label', 'Stop ' + name);
  row.reason.setAttribute('aria-label', `Why you stop ${name} (optional)`);
  const can = stoppable(v, a, n, status);
  if (!can && row.open && !row.busy) {
    closeStop(row);
    if (!row.feedback.classList.contains('error')) {
      say(row.feedback, `Nothing to stop any more: ${n ? 'the subtask is ' + label(n.status) : 'the task is ' + label(status)}.`, 'info');
    }
  }
  row.stop.hidden = !can || row.open;
  updateCheck(a, row);
  updateTools(a, row);
}

// Built once per check, so an output opened for reading stays open through the renders that follow.
function updateCheck(a, row) {
  const c = a.verification;
  if (!c || row.checkSeq === c.seq) return;
  row.checkSeq = c.seq;
  const state = c.passed ? 'passed' : 'failed';
  row.check.hidden = false;
  row.check.className = 'check check-' + state;
  row.check.dataset.verification = state;
  fill(row.check,
    h('span', { class: 'check-status' }, checkText(c)), ' ',
    h('code', { class: 'check-command' }, c.command),
    h('details', { class: 'check-output' }, h('summary', {}, 'output'),
      h('pre', { class: 'code check-log' }, c.output || '(no output)')));
}

// Calls are appended as they come and the oldest dropped beyond the last TOOL_CALLS_KEPT; rows already shown stay.
function updateTools(a, row) {
  if (!a.toolCount || row.toolSeq === a.toolCount) return;
  const list = row.toolList;
  const following = row.tools.hidden || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const first = a.tools.length ? a.tools[0].seq : a.toolCount + 1;
  while (list.firstElementChild && Number(list.firstElementChild.dataset.seq) < first) list.firstElementChild.remove();
  for (const c of a.tools) if (c.seq > (row.toolSeq || 0)) list.append(toolRow(c));
  row.toolSeq = a.toolCount;
  const problems = a.toolProblems || 0;
  row.toolCount.textContent = count(a.toolCount, 'tool call')
    + (a.toolCount > a.tools.length ? `, the last ${a.tools.length} shown` : '')
    + (problems ? ` · ${problems} not ok` : '');
  row.tools.hidden = false;
  if (following) list.scrollTop = list.scrollHeight;
}

// Arguments and results come from the model and the tools: text only, never markup.
function toolRow(c) {
  const kind = TOOL_OUTCOMES.has(c.outcome) ? c.outcome : 'other';
  const args = oneLine(c.arguments);
  const result = oneLine(c.result);
  return h('li', { class: 'tool-call tool-' + kind, 'data-seq': c.seq, 'data-outcome': kind },
    h('details', {},
      h('summary', {},
        h('span', { class: 'tool-turn', title: 'turn ' + c.turn }, String(c.turn)),
        h('span', { class: 'tool-name', title: c.tool }, c.tool),
        h('span', { class: 'tool-outcome' }, c.outcome),
        h('span', { class: 'tool-excerpt' }, args, result ? ' → ' + result : ''),
        h('span', { class: 'tool-time' }, duration(c.durationMillis))),
      h('div', { class: 'tool-detail' },
        h('span', { class: 'tool-label' }, 'arguments'), h('pre', { class: 'tool-args' }, c.arguments || '—'),
        h('span', { class: 'tool-label' }, 'result'), h('pre', { class: 'tool-result' }, c.result || '—'))));
}

function oneLine(text) {
  return (text || '').replace(/\s+/g, ' ').trim();
}

function duration(ms) {
  if (ms == null || !Number.isFinite(Number(ms))) return '';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
}

// Only the attempt in flight of a subtask in flight can be stopped, and only while the task goes on.
function stoppable(v, a, n, status) {
  return !!n && !FINISHED.has(status) && IN_FLIGHT.has(n.status) && a.status === 'running'
    && (a.attempt || 0) >= (n.attempt || 0);
}

function openStop(row) {
  row.open = true;
  row.stop.hidden = true;
  row.form.hidden = false;
  say(row.feedback, '', '');
  row.reason.focus();
}

function closeStop(row) {
  row.open = false;
  row.form.hidden = true;
  row.reason.value = '';
  row.retry.checked = true;
  stopHint(row);
  row.stop.hidden = false; // the next render hides it again if there is nothing to stop
}

function stopHint(row) {
  row.hint.textContent = row.retry.checked
    ? 'The subtask starts again at once as a new attempt.'
    : 'The subtask is cancelled, and the subtasks that depend on it are skipped.';
}

async function stopAgent(v, a, row) {
  const n = a.key && v.nodes.get(a.key);
  const subtask = n ? n.key : a.subtaskId;
  const name = a.agentId || a.role || 'the agent';
  const reason = row.reason.value.trim();
  const retry = row.retry.checked;
  row.busy = true;
  [row.reason, row.retry, row.send, row.keep].forEach((c) => { c.disabled = true; });
  say(row.feedback, `Stopping ${name}…`, 'busy');
  try {
    await post(`/api/tasks/${encodeURIComponent(v.id)}/subtasks/${encodeURIComponent(subtask)}/stop?retry=${retry}`,
      reason ? { reason } : undefined);
    row.busy = false;
    closeStop(row);
    const what = n ? `“${n.title}”` : 'its subtask';
    say(row.feedback, retry ? `Stopped ${name}; ${what} runs again as a new attempt.`
      : `Stopped ${name}; ${what} is cancelled and what depends on it is skipped.`, 'ok');
    toast('Stopped ' + name);
    reloadSnapshotSoon();
  } catch (err) {
    // The dashboard's errors already say what could not be done and why.
    say(row.feedback, err.message, 'error');
  } finally {
    row.busy = false;
    [row.reason, row.retry, row.send, row.keep].forEach((c) => { c.disabled = false; });
    if (view === v) schedule();
  }
}

function renderMessages(v) {
  const list = $('t-messages');
  if (list.dataset.count !== String(v.messages.length)) {
    // Follow new messages unless the reader scrolled up to read older ones.
    const following = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    list.dataset.count = String(v.messages.length);
    if (!v.messages.length) {
      fill(list, h('li', { class: 'muted' }, 'No messages yet. Agents ask and answer each other here; you can write to them below.'));
    } else {
      fill(list, ...v.messages.map((m) => m.system
        ? h('li', { class: 'message system' }, h('span', { class: 'text', 'data-text': m.text }, m.text))
        : h('li', { class: 'message kind-' + m.kind + (m.from.type === 'person' ? ' from-person' : '') },
          h('span', { class: 'who' }, who(m.from), ' → ', who(m.to)),
          h('span', { class: 'kind' }, m.kind),
          h('span', { class: 'when' }, time(m.occurredAt)),
          h('div', { class: 'text md', 'data-text': m.text }, markdown(m.text)))));
      if (following) list.scrollTop = list.scrollHeight;
    }
  }
  if ($('m-to-id')) fillRecipients(v);
}

function who(p) {
  if (!p) return '?';
  if (p.type === 'team') return 'team';
  return p.type === 'role' ? '@' + p.id : p.id;
}

function time(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleTimeString() : '';
}

function messageForm() {
  const feedback = h('p', { id: 'message-feedback', class: 'feedback', role: 'status', 'aria-live': 'polite' });
  const toType = h('select', { id: 'm-to-type', 'aria-label': 'Recipient type', onchange: () => fillRecipients(view) },
    h('option', { value: 'role' }, 'role'), h('option', { value: 'agent' }, 'agent'), h('option', { value: 'team' }, 'team'));
  const toId = h('select', { id: 'm-to-id', 'aria-label': 'Recipient' });
  const kind = h('select', { id: 'm-kind', 'aria-label': 'Kind' }, h('option', { value: 'note' }, 'note'),
    h('option', { value: 'question' }, 'question'));
  const text = h('textarea', { id: 'm-text', rows: 2, placeholder: 'Write to an agent, a role or the team…' });
  const send = h('button', { type: 'submit', id: 'm-send' }, 'Send');
  return h('form', {
    class: 'message-form', onsubmit: async (e) => {
      e.preventDefault();
      if (!text.value.trim()) { say(feedback, 'Write something first.', 'error'); return; }
      if (toType.value !== 'team' && !toId.value) { say(feedback, 'Pick who gets the message.', 'error'); return; }
      const to = { type: toType.value, id: toType.value === 'team' ? 'all' : toId.value };
      send.disabled = true;
      say(feedback, 'Sending…', 'busy');
      try {
        await post(`/api/tasks/${encodeURIComponent(view.id)}/messages`, { to, kind: kind.value, text: text.value.trim() });
        say(feedback, `Sent to ${who(to)}.`, 'ok');
        text.value = '';
      } catch (err) {
        say(feedback, 'Not sent: ' + err.message, 'error');
      } finally {
        send.disabled = false;
      }
    },
  }, h('div', { class: 'row' }, 'To ', toType, toId, kind), text, h('div', { class: 'row' }, send, feedback));
}

function fillRecipients(v) {
  const type = $('m-to-type').value;
  const select = $('m-to-id');
  let options = [];
  if (type === 'role') {
    const roles = new Set([...(v.task && v.task.roles || []), ...[...v.nodes.values()].map((n) => n.role),
      ...[...v.agents.values()].map((a) => a.role)].filter((r) => r && r !== '?'));
    options = [...(roles.size ? roles : new Set(ROLES))];
  } else if (type === 'agent') {
    options = [...new Set([...v.agents.values()].map((a) => a.agentId).filter(Boolean))];
  }
  const current = select.value;
  const sig = type + ':' + options.join(',');
  if (select.dataset.sig === sig) return;
  select.dataset.sig = sig;
  select.replaceChildren(...options.map((o) => h('option', { value: o }, o)));
  select.disabled = type === 'team' || !options.length;
  if (options.includes(current)) select.value = current;
}

function costTotals(v) {
  const byProvider = new Map();
  let cost = 0, tok = 0, known = false;
  for (const a of v.agents.values()) {
    const u = a.usage;
    const t = u ? (u.promptTokens || 0) + (u.completionTokens || 0) : a.tokens || 0;
    const c = u && u.costUsd != null ? Number(u.costUsd) : null;
    const p = byProvider.get(a.provider || '?') || { tokens: 0, cost: null };
    p.tokens += t;
    if (c != null) { p.cost = (p.cost || 0) + c; cost += c; known = true; }
    byProvider.set(a.provider || '?', p);
    tok += t;
  }
  return { byProvider, cost: known ? cost : null, tokens: tok };
}

function renderCosts(v, totals) {
  const est = v.plan && v.plan.estimate;
  const t = v.task || {};
  const rows = [...v.agents.values()].map((a) => {
    const u = a.usage;
    const e = v.plan && v.plan.subtaskEstimates && a.key && v.plan.subtaskEstimates[a.key];
    return h('tr', {}, h('td', {}, a.agentId || '?'), h('td', {}, a.role || ''),
      h('td', { class: 'num' }, tokens(u ? (u.promptTokens || 0) + (u.completionTokens || 0) : a.tokens)),
      h('td', { class: 'num' }, e ? tokens(e.tokens) : '—'),
      h('td', { class: 'num' }, money(u && u.costUsd)), h('td', { class: 'num' }, e ? money(e.costUsd) : '—'));
  });
  const providers = [...totals.byProvider.entries()].map(([p, s]) => h('tr', {},
    h('td', {}, p), h('td', {}, p === 'ollama' ? 'local' : p === '?' ? '' : 'cloud'),
    h('td', { class: 'num' }, tokens(s.tokens)), h('td', { class: 'num' }, money(s.cost))));
  // The snapshot may be older than the events seen since; the larger figure is the newer one.
  const actualTokens = Math.max((t.promptTokens || 0) + (t.completionTokens || 0), totals.tokens);
  const actualCost = t.costUsd != null && (totals.cost == null || Number(t.costUsd) > totals.cost) ? t.costUsd : totals.cost;
  fill($('t-costs'), 
    h('table', { class: 'costs', id: 'cost-task' }, h('tbody', {},
      h('tr', {}, h('th', {}, 'Task'), h('th', { class: 'num' }, 'actual'), h('th', { class: 'num' }, 'estimate')),
      h('tr', {}, h('td', {}, 'tokens'), h('td', { class: 'num' }, tokens(actualTokens)), h('td', { class: 'num' }, est ? tokens(est.tokens) : '—')),
      h('tr', {}, h('td', {}, 'cost'), h('td', { class: 'num' }, money(actualCost)),
        h('td', { class: 'num' }, est ? money(est.costUsd) : '—')))),
    rows.length ? h('table', { class: 'costs', id: 'cost-agents' },
      h('thead', {}, h('tr', {}, h('th', {}, 'agent'), h('th', {}, 'role'), h('th', { class: 'num' }, 'tokens'),
        h('th', { class: 'num' }, 'est.'), h('th', { class: 'num' }, 'cost'), h('th', { class: 'num' }, 'est.'))),
      h('tbody', {}, rows)) : null,
    providers.length ? h('table', { class: 'costs', id: 'cost-providers' },
      h('thead', {}, h('tr', {}, h('th', {}, 'provider'), h('th', {}, ''), h('th', { class: 'num' }, 'tokens'), h('th', { class: 'num' }, 'cost'))),
      h('tbody', {}, providers)) : null);
}

function renderConflicts(v) {
  const list = $('t-conflicts');
  const all = [...v.conflicts.values()];
  if (!all.length) { fill(list, h('li', { class: 'muted' }, 'No conflicting writes.')); return; }
  fill(list, ...all.map((c) => h('li', { class: 'conflict ' + c.status, 'data-conflict': c.conflictId },
    h('code', {}, c.key), ` ${c.author || '?'} wrote on v${c.baseVersion ?? '?'} while v${c.currentVersion ?? '?'} was current — `,
    c.status === 'resolved' ? h('b', {}, `resolved as v${c.resolvedVersion} by ${c.resolvedBy || '?'}`)
      : h('b', {}, 'waiting for the lead to merge'))));
}

function renderTree(v) {
  const box = $('t-tree');
  const keys = [...v.artifacts.keys()].sort();
  const sig = keys.map((k) => k + '@' + v.artifacts.get(k).version).join('|') + '#' + (v.artifact && v.artifact.key);
  if (box.dataset.sig === sig) {
    if (v.artifact && v.artifact.stale) { v.artifact.stale = false; showArtifact(v, v.artifact.key); }
    return;
  }
  box.dataset.sig = sig;
  if (!keys.length) { fill(box, h('p', { class: 'muted' }, 'No artifacts yet.')); return; }
  const root = {};
  for (const k of keys) {
    let dir = root;
    const parts = k.split('/');
    parts.slice(0, -1).forEach((p) => { dir = dir[p + '/'] = dir[p + '/'] || {}; });
    dir[parts[parts.length - 1]] = k;
  }
  const list = (dir) => h('ul', {}, Object.keys(dir).sort().map((name) => {
    const value = dir[name];
    if (typeof value === 'string') {
      const a = v.artifacts.get(value);
      return h('li', {}, h('a', {
        href: '#', class: 'file' + (a.tombstone ? ' deleted' : '') + (v.artifact && v.artifact.key === value ? ' selected' : ''),
        'data-key': value, onclick: (e) => { e.preventDefault(); showArtifact(v, value); },
      }, name, h('span', { class: 'ver' }, ' v' + a.version)));
    }
    return h('li', { class: 'dir' }, h('span', {}, name), list(value));
  }));
  fill(box, list(root));
  if (v.artifact && v.artifact.stale) { v.artifact.stale = false; showArtifact(v, v.artifact.key); }
}

async function showArtifact(v, key, version) {
  v.artifact = { key };
  const pane = $('t-artifact');
  fill(pane, h('p', { class: 'muted' }, 'Loading ' + key + '…'));
  $('t-tree').dataset.sig = '';
  renderTree(v);
  try {
    const [art, history] = await Promise.all([
      get(contextPath(v.id, 'artifacts', key) + (version ? '?version=' + version : '')),
      get(contextPath(v.id, 'history', key)).catch(() => []),
    ]);
    if (view !== v || v.artifact.key !== key) return;
    const versions = Array.isArray(history) ? history : [];
    const latest = Math.max(art.version, ...versions.map((ver) => ver.version || 0));
    fill(pane, 
      h('div', { class: 'artifact-head' }, h('b', {}, key), ` v${art.version} · ${art.kind || ''}`,
        art.author ? ` · by ${[art.author.role, art.author.agentId].filter(Boolean).join('/')}` : '',
        art.model ? ` · ${art.model}` : '',
        art.version < latest ? h('span', { class: 'older' }, ` · an older version; the latest is v${latest}`) : null),
      h('pre', { class: 'code', id: 'artifact-content' }, h('code', {}, highlight(art.content || '', key))),
      versions.length ? h('div', { class: 'history' }, h('h3', {}, 'Versions'),
        h('ol', {}, versions.map((ver) => h('li', { class: ver.version === art.version ? 'current' : '' },
          h('a', { href: '#', 'aria-current': ver.version === art.version ? 'true' : null,
            onclick: (e) => { e.preventDefault(); showArtifact(v, key, ver.version); } }, 'v' + ver.version),
          ` ${time(ver.createdAt)} ${ver.author ? [ver.author.role, ver.author.agentId].filter(Boolean).join('/') : ''}`,
          ver.version > 1 ? h('button', { type: 'button', class: 'small', onclick: () => showDiff(v, key, ver.version - 1, ver.version) },
            `diff v${ver.version - 1}→v${ver.version}`) : null)))) : null,
      h('div', { id: 'artifact-diff' }));
  } catch (err) {
    if (view !== v) return;
    fill(pane, h('p', { class: 'feedback error' }, `Cannot show ${key}: ${err.message}`));
  }
}

async function showDiff(v, key, from, to) {
  const box = $('artifact-diff');
  fill(box, h('p', { class: 'muted' }, 'Loading diff…'));
  try {
    const text = await get(contextPath(v.id, 'diff', key) + `?from=${from}&to=${to}`);
    fill(box, h('h3', {}, `Diff v${from} → v${to}`),
      h('pre', { class: 'code diff' }, diffLines(typeof text === 'string' ? text : JSON.stringify(text, null, 2))));
  } catch (err) {
    fill(box, h('p', { class: 'feedback error' }, 'Cannot show the diff: ' + err.message));
  }
}

// ---------------------------------------------------------------- shared bits

function say(el, text, kind) {
  if (!el) return;
  el.textContent = text;
  el.className = 'feedback ' + (kind || '');
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function label(status) {
  return (status || '').replace(/[_-]/g, ' ');
}

function connection(state) {
  const el = $('connection');
  el.textContent = state === 'live' ? '● live' : 'reconnecting…';
  el.className = 'connection ' + state;
}

function route() {
  const m = location.hash.match(/^#\/tasks\/([^/]+)$/);
  if (m) {
    const id = decodeURIComponent(m[1]);
    if (!view || view.id !== id) openTask(id);
  } else if (view) {
    closeTask();
  }
}

// A stream that gave up may have been refused because the session ended; a 401 here shows the sign-in form.
function checkSession() {
  get('/api/session').catch(() => {});
}

function start() {
  running = true;
  $('app').hidden = false;
  const viewer = role() === 'viewer';
  $('f-submit').disabled = viewer;
  $('submit-feedback').textContent = viewer ? 'You are signed in as a viewer: you can watch, not submit or command.' : '';
  $('submit-feedback').className = 'feedback';
  loadTasks();
  route();
  if (!view) allStream.open();
}

// The session ended: nothing of it stays on screen or open.
function stop() {
  running = false;
  allStream.close();
  if (taskStream) taskStream.close();
  taskStream = null;
  view = null;
  tasks = [];
  tasksLoaded = false;
  allStream.lastId = null;
  $('task-list').replaceChildren();
  $('tasks-error').hidden = true;
  $('task-view').hidden = true;
  $('task-view').replaceChildren();
  $('app').hidden = true;
  $('connection').textContent = '';
  $('connection').className = 'connection';
}

buildForm();
window.addEventListener('hashchange', () => { if (running) route(); });
allStream = new EventStream('/api/stream', (type) => {
  if (type.startsWith('task.') || type === 'agent.completed') reloadTasksSoon();
}, connection, checkSession);
window.addEventListener('pagehide', () => {
  allStream.close();
  if (taskStream) taskStream.close();
});
setInterval(() => {
  if (running && view) loadTasks(); // other tasks' changes, while only the selected task's stream is open
}, 10000);
setInterval(() => {
  if (!running) return;
  renderTaskList();
  if (view && !FINISHED.has(view.status)) schedule();
}, 1000);
begin(start, stop);

// For tests and debugging: drop and restore the live connections as a network failure would.
window.cohort = {
  disconnect() { if (taskStream) taskStream.close(); allStream.close(); },
  reconnect() { if (!running) return; if (taskStream) taskStream.open(); else allStream.open(); },
  lastEventId() { return taskStream && taskStream.lastId; },
};
