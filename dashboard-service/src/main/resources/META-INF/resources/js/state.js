// One task's state, built from its events and the orchestrator's snapshot of it. Every function here is pure: it
// takes a state and returns a new one, leaving the one it was given as it was, and never touches the page.
import { label } from './format.js';

const TOOL_CALLS_KEPT = 50; // per agent: the newest ones
export const TEXT_KEPT = 6000; // per agent: the end of what its model wrote
const SNAPSHOT_OUTCOMES = { dispatched: 'waiting', running: 'running', expired: 'stalled', stale: 'stalled' };
export const STALLED = /no heartbeat|reclaimed|no worker started/;

/** meta: the roles and statuses the dashboard serves (meta.js). */
export function newState(id, meta) {
  return {
    id, meta, task: null, snapshotError: null, status: null, submitted: null, plan: null, reason: null, summary: null,
    completedUsage: null, nodes: new Map(), idToKey: new Map(), agents: new Map(), attempts: new Map(), messages: [],
    conflicts: new Map(), artifacts: new Map(), startedAt: null, endedAt: null, lastAt: null, verification: null,
    checks: 0, unplaced: 0,
  };
}

// A reduction works on a draft: a map is copied the first time it changes, an entry the first time it is written.
class Draft {
  constructor(state) {
    this.state = { ...state };
    this.own = new Set();
  }

  map(name) {
    if (!this.own.has(name)) {
      this.state[name] = new Map(this.state[name]);
      this.own.add(name);
    }
    return this.state[name];
  }

  get(name, key) {
    return this.state[name].get(key);
  }

  /** The entry, copied for writing; undefined when there is none. */
  entry(name, key) {
    const x = this.state[name].get(key);
    if (!x || this.own.has(x)) return x;
    return this.put(name, key, { ...x });
  }

  put(name, key, value) {
    this.map(name).set(key, value);
    this.own.add(value);
    return value;
  }
}

/** The state after one event of the task's stream: type is the event's type, e its data. */
export function reduce(state, type, e) {
  const d = new Draft(state);
  apply(d, type, e);
  track(d, type, e);
  return d.state;
}

/** The state with the orchestrator's snapshot of the task ({...task, subtasks: [...]}) merged in. */
export function adoptSnapshot(state, task) {
  const d = new Draft(state);
  const v = d.state;
  v.task = task;
  v.snapshotError = null;
  if (!v.status) v.status = task.status;
  for (const s of task.subtasks || []) {
    const key = s.key || s.id;
    adoptProvisional(d, s.id, key);
    d.map('idToKey').set(s.id, key);
    const n = node(d, key, s.title, s.role);
    n.id = s.id;
    n.dependsOn = s.dependsOn || n.dependsOn;
    if (!n.fromEvent) n.status = s.status;
    n.attempt = Math.max(n.attempt || 0, s.attempt || 0);
    n.snapshot = s;
    n.check = s.verification && typeof s.verification === 'object'
      ? { ...s.verification, at: at(s.finishedAt) ?? at(s.startedAt) ?? 0 } : null;
    for (const x of s.attempts || []) adoptAttempt(d, s.id, x);
  }
  return v;
}

/** The state when the snapshot could not be read: message says why. */
export function snapshotFailed(state, message) {
  return { ...state, snapshotError: message };
}

/** An ISO-8601 instant in milliseconds, or null. */
export function at(iso) {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : null;
}

// A subtask first seen in an event, before any snapshot named it, got a node keyed by its id; once the snapshot
// gives its plan key, that node becomes (or merges into) the keyed one, so the graph never shows it twice.
function adoptProvisional(d, id, key) {
  if (key === id) return;
  const provisional = d.get('nodes', id);
  if (!provisional) return;
  d.map('nodes').delete(id);
  const keyed = d.get('nodes', key);
  if (!keyed) {
    d.put('nodes', key, { ...provisional, key });
  } else if (provisional.fromEvent) {
    const k = d.entry('nodes', key);
    k.status = provisional.status;
    k.fromEvent = true;
    k.attempt = Math.max(k.attempt || 0, provisional.attempt || 0);
  }
  for (const [agentId, a] of d.state.agents) {
    if (a.key === id) d.entry('agents', agentId).key = key;
  }
}

function node(d, key, title, role) {
  let n = d.entry('nodes', key);
  if (!n) n = d.put('nodes', key, { key, title: title || key, role: role || '?', status: 'pending', dependsOn: [], attempt: 0 });
  if (title) n.title = title;
  if (role) n.role = role;
  return n;
}

// A subtask an event names by id: its node, matched by title to a planned one not yet tied to an id, or a
// provisional one (counted in unplaced: the page then reads the snapshot again, which gives its plan key).
function nodeOf(d, subtaskId, title, role) {
  let key = d.get('idToKey', subtaskId);
  if (!key && title) {
    const match = [...d.state.nodes.values()].find((n) => !n.id && n.title === title && (!role || n.role === role));
    if (match) {
      key = match.key;
      d.entry('nodes', key).id = subtaskId;
      d.map('idToKey').set(subtaskId, key);
    }
  }
  if (!key) {
    if (!title) return null;
    key = subtaskId;
    d.map('idToKey').set(subtaskId, key);
    d.state.unplaced += 1;
  }
  return node(d, key, title, role);
}

function setPlan(d, subtasks) {
  for (const s of subtasks || []) node(d, s.id, s.title, s.role).dependsOn = s.dependsOn || [];
}

function agent(d, e) {
  const id = e.subtaskId + '#' + e.attempt;
  let a = d.entry('agents', id);
  if (!a) {
    a = d.put('agents', id, { id, subtaskId: e.subtaskId, attempt: e.attempt, tokens: 0, status: 'running', tools: [], toolCount: 0,
      text: '', textTotal: 0, textCut: false, writing: false });
  }
  if (!a.key) {
    const key = d.get('idToKey', e.subtaskId);
    if (key) a.key = key;
  }
  return a;
}

// What the model wrote since the previous progress event, appended; only the end is kept, and textCut says the start
// was dropped.
function write(a, text) {
  const all = a.text + text;
  a.textTotal += text.length;
  a.text = all.length > TEXT_KEPT ? all.slice(-TEXT_KEPT) : all;
  a.textCut = a.textCut || all.length > TEXT_KEPT;
}

// An attempt writes while it runs, no later attempt of its subtask has begun, and the task goes on.
function writes(d, a) {
  const v = d.state;
  return a.status === 'running' && !(v.status && v.meta.finishedTask.has(v.status))
    && ![...v.agents.values()].some((b) => b.subtaskId === a.subtaskId && b.attempt > a.attempt);
}

// A later attempt of the subtask has begun: the earlier ones write no more, and what they wrote stays in their rows.
function quietBefore(d, subtaskId, attempt) {
  for (const [id, a] of d.state.agents) {
    if (a.writing && a.subtaskId === subtaskId && a.attempt < attempt) d.entry('agents', id).writing = false;
  }
}

function quietAll(d) {
  for (const [id, a] of d.state.agents) if (a.writing) d.entry('agents', id).writing = false;
}

function apply(d, type, e) {
  const v = d.state;
  switch (type) {
    case 'task.submitted':
      v.submitted = e;
      v.status = v.status || 'submitted';
      break;
    case 'task.planned':
      setPlan(d, e.subtasks);
      v.plan = { subtasks: e.subtasks, estimate: v.plan && v.plan.estimate, subtaskEstimates: v.plan && v.plan.subtaskEstimates,
        awaiting: !!(v.plan && v.plan.awaiting) };
      v.status = v.status === 'awaiting-approval' ? v.status : 'running';
      break;
    case 'task.awaiting-approval':
      setPlan(d, e.subtasks);
      v.plan = { subtasks: e.subtasks, estimate: e.estimate, subtaskEstimates: e.subtaskEstimates || {}, awaiting: true };
      v.status = 'awaiting-approval';
      break;
    case 'task.approved':
      if (v.plan) v.plan = { ...v.plan, awaiting: false };
      v.status = 'running';
      break;
    case 'task.rejected':
      // The orchestrator cancels a task whose plan was rejected, and says so in its reason.
      if (v.plan) v.plan = { ...v.plan, awaiting: false };
      v.status = 'cancelled';
      v.reason = `plan rejected by ${e.rejectedBy}${e.reason ? ': ' + e.reason : ''}`;
      break;
    case 'task.paused': v.status = 'paused'; v.reason = e.reason; break;
    case 'task.resumed': v.status = 'running'; v.reason = null; break;
    case 'task.completed': v.status = 'completed'; v.completedUsage = e.usage; v.summary = e.summary; quietAll(d); break;
    case 'task.failed': v.status = 'failed'; v.reason = e.reason; quietAll(d); break;
    case 'task.cancelled': v.status = 'cancelled'; v.reason = e.reason; quietAll(d); break;
    case 'subtask.state-changed': {
      const n = nodeOf(d, e.subtaskId, e.title, e.role);
      if (n) {
        n.status = e.status;
        n.fromEvent = true;
        n.attempt = e.attempt || n.attempt;
        n.reason = e.reason;
      }
      // Back to pending or cancelled while its attempt still ran: that attempt was stopped (by a person, or by a
      // pause), or its lease was reclaimed; the reason says which.
      const id = e.subtaskId + '#' + e.attempt;
      const a = (e.status === 'pending' || e.status === 'cancelled') && d.get('agents', id);
      if (a && a.status === 'running') {
        Object.assign(d.entry('agents', id), { status: STALLED.test(e.reason || '') ? 'reclaimed' : 'stopped', phase: null, reason: e.reason,
          writing: false });
      }
      if (e.status === 'dispatched') quietBefore(d, e.subtaskId, e.attempt);
      break;
    }
    case 'agent.started': {
      quietBefore(d, e.subtaskId, e.attempt);
      const a = agent(d, e);
      Object.assign(a, { agentId: e.agentId, role: e.role, provider: e.model.provider, model: e.model.model, status: 'running', phase: 'started' });
      const n = nodeOf(d, e.subtaskId);
      if (n && !v.meta.finishedSubtask.has(n.status)) { n.status = 'running'; a.key = n.key; }
      break;
    }
    case 'agent.progress': {
      const a = agent(d, e);
      a.tokens = Math.max(a.tokens || 0, e.tokens || 0);
      a.phase = e.phase;
      if (e.text) write(a, e.text);
      a.writing = writes(d, a);
      if (a.writing) quietBefore(d, e.subtaskId, e.attempt);
      break;
    }
    case 'agent.completed': {
      const a = agent(d, e);
      Object.assign(a, { status: 'done', phase: 'done', writing: false, usage: e.usage, role: e.role, provider: e.model.provider, model: e.model.model });
      if (e.usage) a.tokens = Math.max(a.tokens || 0, e.usage.completionTokens || 0);
      if (e.verification) {
        v.checks += 1;
        a.verification = { ...e.verification, at: at(e.occurredAt) ?? v.lastAt ?? 0, seq: v.checks };
        const last = v.verification;
        if (!last || a.verification.at >= last.at) v.verification = { ...a.verification, agent: a.id };
      }
      break;
    }
    case 'agent.tool-called': {
      const a = agent(d, e);
      if (!a.agentId) a.agentId = e.agentId;
      if (!a.role) a.role = e.role;
      a.toolCount = (a.toolCount || 0) + 1;
      if (e.outcome !== 'ok') a.toolProblems = (a.toolProblems || 0) + 1;
      a.tools = [...a.tools, { seq: a.toolCount, turn: e.turn, tool: e.tool, outcome: e.outcome, arguments: e.arguments,
        result: e.result, durationMillis: e.durationMillis }].slice(-TOOL_CALLS_KEPT);
      break;
    }
    case 'agent.failed': {
      // An attempt can fail before it starts (its inputs unreadable, no model yet): then this event is the
      // only one that names its agent, role and subtask.
      const a = agent(d, e);
      // The worker reports a stopped attempt as cancelled; the orchestrator's reason (who stopped it, why) says more.
      const stopped = a.status === 'stopped' && e.failure === 'cancelled';
      Object.assign(a, { agentId: a.agentId || e.agentId, role: a.role || e.role, status: stopped ? 'stopped' : 'failed', writing: false,
        phase: label(e.failure), reason: stopped ? a.reason : e.reason, usage: e.usage || a.usage });
      if (e.model && !a.model) Object.assign(a, { provider: e.model.provider, model: e.model.model });
      const n = !a.key && nodeOf(d, e.subtaskId);
      if (n) a.key = n.key;
      break;
    }
    case 'agent.escalated': {
      const n = nodeOf(d, e.subtaskId);
      if (n) { n.escalated = true; n.escalation = `${e.from.provider}/${e.from.model} → ${e.to.provider}/${e.to.model}: ${e.reason}`; }
      v.messages = [...v.messages, { system: true, at: e.occurredAt, text: `${e.role} escalated from ${e.from.model} (${e.from.provider}) to ${e.to.model} (${e.to.provider}): ${e.reason}` }];
      break;
    }
    case 'agent.message':
      v.messages = [...v.messages, e];
      break;
    case 'artifact.published':
      d.put('artifacts', e.key, { key: e.key, version: e.version, kind: e.kind, tombstone: e.tombstone, author: e.author });
      break;
    case 'artifact.conflict':
      d.put('conflicts', e.conflictId, { ...e, status: 'pending' });
      break;
    case 'artifact.resolved': {
      const c = d.get('conflicts', e.conflictId) || { conflictId: e.conflictId, key: e.key };
      d.put('conflicts', e.conflictId, { ...c, status: 'resolved', resolvedVersion: e.version, resolvedBy: e.resolvedBy });
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------- attempts over time

function attemptOf(d, subtaskId, n) {
  const id = subtaskId + '#' + n;
  return d.entry('attempts', id) || d.put('attempts', id,
    { id, subtaskId, attempt: n, outcome: 'waiting', dispatchedAt: null, startedAt: null, finishedAt: null });
}

// The first end reported wins: the orchestrator's word on a stopped or reclaimed attempt comes before the worker's.
function endAttempt(a, when, outcome, reason) {
  if (a.finishedAt != null) return;
  a.finishedAt = when;
  a.outcome = outcome;
  if (reason) a.reason = reason;
}

// Ends every other open attempt of the subtask that matches.
function endOthers(d, subtaskId, which, when, outcome, reason) {
  for (const [id, b] of d.state.attempts) {
    if (b.subtaskId === subtaskId && which(b.attempt) && b.finishedAt == null) endAttempt(d.entry('attempts', id), when, outcome, reason);
  }
}

// How a subtask's attempt ended when it went back to pending: retried after a failure, reclaimed, or stopped.
function pendingOutcome(reason) {
  const r = reason || '';
  if (STALLED.test(r)) return 'stalled';
  return /stopped|paused|cancel/.test(r) && !/failed/.test(r) ? 'cancelled' : 'failed';
}

function track(d, type, e) {
  const v = d.state;
  // Every event carries the instant it occurred (the contracts require it).
  const when = at(e.occurredAt) ?? v.lastAt ?? 0;
  v.lastAt = Math.max(v.lastAt || 0, when);
  if (type === 'task.submitted') { v.startedAt = v.startedAt ?? when; return; }
  if (type === 'task.completed' || type === 'task.failed' || type === 'task.cancelled' || type === 'task.rejected') {
    v.endedAt = when;
    return;
  }
  if (!e.subtaskId || !(e.attempt > 0)) return;
  const a = attemptOf(d, e.subtaskId, e.attempt);
  switch (type) {
    case 'subtask.state-changed':
      if (e.status === 'dispatched') {
        a.dispatchedAt = a.dispatchedAt ?? when;
        // An earlier attempt still open when the next is dispatched was given up on (its start or heartbeat late).
        endOthers(d, e.subtaskId, (n) => n < e.attempt, when, pendingOutcome(e.reason), e.reason);
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
        endOthers(d, e.subtaskId, (n) => n > e.attempt, when, 'cancelled', 'not needed');
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
function adoptAttempt(d, subtaskId, x) {
  const a = attemptOf(d, subtaskId, x.attempt);
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
