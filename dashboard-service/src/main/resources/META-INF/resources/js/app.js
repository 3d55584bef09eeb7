// The page: signs in, keeps one event stream open, and puts together the task list and the page of the task
// opened, whose state is built from its stream by the reducer in state.js.
import { get } from './api.js';
import { EventStream } from './stream.js';
import { begin, role } from './session.js';
import { loadMeta } from './meta.js';
import { newState, reduce, adoptSnapshot, snapshotFailed } from './state.js';
import { taskList, submitForm, roleChips } from './tasks.js';
import { taskPage } from './task.js';

const $ = (id) => document.getElementById(id);

let meta = null;
let view = null; // the task opened: {id, state, page}
let taskStream = null;
let allStream = null;
let renderQueued = false;
let running = false; // signed in, with data loaded and a stream open
let snapshotTimer = null;

const tasks = taskList({ running: () => running, selected: () => view && view.id });

// ---------------------------------------------------------------- one task

async function loadSnapshot() {
  const v = view;
  if (!v) return;
  try {
    const task = await get('/api/tasks/' + encodeURIComponent(v.id));
    if (v !== view) return;
    v.state = adoptSnapshot(v.state, task);
  } catch (err) {
    if (v !== view) return;
    v.state = snapshotFailed(v.state, err.message);
  }
  schedule();
}

function reloadSnapshotSoon() {
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(loadSnapshot, 400);
}

// A browser opens at most six connections to one host over HTTP/1.1 and each stream holds one, so a page keeps a
// single stream: the selected task's, or, with none selected, the one of all tasks for the list.
function openTask(id) {
  if (taskStream) taskStream.close();
  allStream.close();
  const v = { id, state: newState(id, meta) };
  view = v;
  $('empty').hidden = true;
  const tv = $('task-view');
  tv.hidden = false;
  v.page = taskPage(tv, {
    taskId: id,
    current: () => view === v,
    changed: () => { if (view === v) schedule(); },
    refresh: reloadSnapshotSoon,
    tasksChanged: tasks.reloadSoon,
  });
  // The timeline is drawn to the width it has: drawn again when that changes (a scrollbar, a narrower window).
  const box = v.page.timeline;
  new ResizeObserver(() => { if (view && box.isConnected && String(box.clientWidth) !== box.dataset.width) schedule(); })
    .observe(box);
  tasks.render();
  loadSnapshot();
  taskStream = new EventStream('/api/tasks/' + encodeURIComponent(id) + '/stream', (type, data) => {
    if (v !== view) return;
    const before = v.state;
    v.state = reduce(before, type, data);
    // An event named a subtask the snapshot has not: the next snapshot gives its place in the plan.
    if (v.state.unplaced > before.unplaced) reloadSnapshotSoon();
    if (type.startsWith('task.')) tasks.reloadSoon();
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
  tasks.render();
}

function schedule() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    if (view) view.page.render(view.state);
  });
}

// ---------------------------------------------------------------- the page

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

// The roles and statuses come first: the form, the task list and every task's page show them.
async function start() {
  running = true;
  $('app').hidden = false;
  const viewer = role() === 'viewer';
  $('f-submit').disabled = viewer;
  $('submit-feedback').textContent = viewer ? 'You are signed in as a viewer: you can watch, not submit or command.' : '';
  $('submit-feedback').className = 'feedback';
  try {
    meta = await loadMeta();
  } catch (err) {
    if (!running) return;
    $('tasks-error').hidden = false;
    $('tasks-error').textContent = 'Cannot read the team\'s roles and statuses: ' + err.message + ' Trying again…';
    setTimeout(() => { if (running && !meta) start(); }, 5000);
    return;
  }
  if (!running) return;
  roleChips(meta.roles);
  tasks.load();
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
  allStream.lastId = null;
  tasks.clear();
  $('task-view').hidden = true;
  $('task-view').replaceChildren();
  $('app').hidden = true;
  $('connection').textContent = '';
  $('connection').className = 'connection';
}

submitForm(tasks);
window.addEventListener('hashchange', () => { if (running && meta) route(); });
allStream = new EventStream('/api/stream', (type) => {
  if (type.startsWith('task.') || type === 'agent.completed') tasks.reloadSoon();
}, connection, checkSession);
window.addEventListener('pagehide', () => {
  allStream.close();
  if (taskStream) taskStream.close();
});
setInterval(() => {
  if (running && view) tasks.load(); // other tasks' changes, while only the selected task's stream is open
}, 10000);
setInterval(() => {
  if (!running) return;
  tasks.render();
  if (view && !meta.finishedTask.has(view.state.status)) schedule();
}, 1000);
begin(start, stop);

// For tests and debugging: drop and restore the live connections as a network failure would.
window.cohort = {
  disconnect() { if (taskStream) taskStream.close(); allStream.close(); },
  reconnect() { if (!running) return; if (taskStream) taskStream.open(); else allStream.open(); },
  lastEventId() { return taskStream && taskStream.lastId; },
};
