// The agents panel of one task: a row per attempt with its progress, what its model wrote, the tool calls it made,
// the check it ran and, while it runs, a form to stop it.
import { h, fill, say, toast } from './dom.js';
import { tokens, label, count } from './format.js';
import { post } from './api.js';
import { checkText } from './checks.js';

const TOOL_OUTCOMES = new Set(['ok', 'error', 'invalid', 'conflict', 'denied']);

/**
 * The panel in box for the task taskId. After a stop it calls refresh (the task's snapshot is worth reading again)
 * and changed (the page should render again).
 */
export function agentsPanel(box, { taskId, refresh, changed }) {
  // Rows are kept and updated in place, not rebuilt: a stop form being filled in must survive the renders that
  // follow every event and every second.
  const rows = new Map();

  function render(s, status) {
    const agents = [...s.agents.values()];
    if (!agents.length) {
      fill(box, h('p', { class: 'muted' }, 'No agent has started yet.'));
      return;
    }
    const els = agents.map((a) => {
      let row = rows.get(a.id);
      if (!row) {
        row = agentRow();
        rows.set(a.id, row);
      }
      row.agent = a;
      row.subtask = a.key && s.nodes.get(a.key);
      updateAgentRow(s, a, row, status);
      return row.el;
    });
    if (els.length !== box.children.length || els.some((el, i) => box.children[i] !== el)) {
      // Moving a row out of the page and back loses where its lists were scrolled to.
      const scrolled = [...rows.values()].map((r) => [r, r.textBox.scrollTop, r.toolList.scrollTop]);
      fill(box, ...els);
      for (const [r, text, tools] of scrolled) {
        r.textBox.scrollTop = text;
        r.toolList.scrollTop = tools;
      }
    }
  }

  function agentRow() {
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
      onsubmit: (e) => { e.preventDefault(); stopAgent(row); },
      onkeydown: (e) => { if (e.key === 'Escape' && !row.busy) closeStop(row); },
    }, row.reason, h('label', {}, row.retry, 'Run it again'), row.send, row.keep, row.hint);
    row.feedback = h('p', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
    row.textLabel = h('span', { class: 'writing-label' });
    row.textCut = h('span', { class: 'writing-cut', title: 'the start is not kept' });
    row.textNode = document.createTextNode('');
    row.textBox = h('pre', { class: 'writing-text', tabindex: 0 }, row.textCut, row.textNode);
    row.text = h('details', { class: 'writing', hidden: true,
      ontoggle: () => { if (row.text.open) row.textBox.scrollTop = row.textBox.scrollHeight; } },
    h('summary', {}, row.textLabel), row.textBox);
    row.check = h('div', { class: 'check', hidden: true });
    row.toolCount = h('span', { class: 'tool-count' });
    row.toolList = h('ol', { class: 'tool-list' });
    row.tools = h('details', { class: 'tools', open: true, hidden: true },
      h('summary', {}, row.toolCount), row.toolList);
    row.el = h('div', {}, row.line, row.bar, h('div', { class: 'agent-foot' }, row.phase, row.stop), row.form, row.feedback,
      row.text, row.check, row.tools);
    stopHint(row);
    return row;
  }

  async function stopAgent(row) {
    const a = row.agent;
    const n = row.subtask;
    const subtask = n ? n.key : a.subtaskId;
    const name = a.agentId || a.role || 'the agent';
    const reason = row.reason.value.trim();
    const retry = row.retry.checked;
    row.busy = true;
    [row.reason, row.retry, row.send, row.keep].forEach((c) => { c.disabled = true; });
    say(row.feedback, `Stopping ${name}…`, 'busy');
    try {
      await post(`/api/tasks/${encodeURIComponent(taskId)}/subtasks/${encodeURIComponent(subtask)}/stop?retry=${retry}`,
        reason ? { reason } : undefined);
      row.busy = false;
      closeStop(row);
      const what = n ? `“${n.title}”` : 'its subtask';
      say(row.feedback, retry ? `Stopped ${name}; ${what} runs again as a new attempt.`
        : `Stopped ${name}; ${what} is cancelled and what depends on it is skipped.`, 'ok');
      toast('Stopped ' + name);
      refresh();
    } catch (err) {
      // The dashboard's errors already say what could not be done and why.
      say(row.feedback, err.message, 'error');
    } finally {
      row.busy = false;
      [row.reason, row.retry, row.send, row.keep].forEach((c) => { c.disabled = false; });
      changed();
    }
  }

  return { render };
}

function updateAgentRow(s, a, row, status) {
  const est = s.plan && s.plan.subtaskEstimates && a.key && s.plan.subtaskEstimates[a.key];
  const done = a.status === 'done';
  const pct = done ? 100 : est && est.tokens ? Math.min(95, (100 * a.tokens) / est.tokens)
    : Math.min(90, (100 * a.tokens) / (a.tokens + 800));
  const local = a.provider === 'ollama';
  const n = row.subtask;
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
  const can = stoppable(s, a, n, status);
  if (!can && row.open && !row.busy) {
    closeStop(row);
    if (!row.feedback.classList.contains('error')) {
      say(row.feedback, `Nothing to stop any more: ${n ? 'the subtask is ' + label(n.status) : 'the task is ' + label(status)}.`, 'info');
    }
  }
  row.stop.hidden = !can || row.open;
  updateText(a, row, name);
  updateCheck(a, row);
  updateTools(a, row);
}

/** Only the attempt in flight of a subtask in flight can be stopped, and only while the task goes on. */
export function stoppable(s, a, n, status) {
  return !!n && !s.meta.finishedTask.has(status) && s.meta.inFlightSubtask.has(n.status) && a.status === 'running'
    && (a.attempt || 0) >= (n.attempt || 0);
}

// What the model wrote comes from the model: one text node, never markup. The block follows the end as it grows
// unless the reader scrolled up; opened or closed, it stays as the reader left it.
function updateText(a, row, name) {
  if (!a.textTotal) return;
  const box = row.textBox;
  row.text.hidden = false;
  row.text.dataset.writing = a.writing ? 'true' : 'false';
  row.textLabel.textContent = (a.writing ? 'writing… ' : 'what it wrote · ') + count(a.textTotal, 'character')
    + (a.textCut ? `, the last ${a.text.length} shown` : '');
  box.setAttribute('aria-label', `What ${name} wrote`);
  if (row.textTotal === a.textTotal) return;
  const following = !row.text.open || box.scrollHeight - box.scrollTop - box.clientHeight < 24;
  row.textNode.data = a.text;
  row.textCut.textContent = a.textCut ? '… ' : '';
  row.textTotal = a.textTotal;
  if (following) box.scrollTop = box.scrollHeight;
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

// Calls are appended as they come and the oldest dropped beyond the ones the state keeps; rows already shown stay.
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

/** A tool call's duration in words: '850 ms', '1.2 s', '14 s'; '' when unknown. */
export function duration(ms) {
  if (ms == null || !Number.isFinite(Number(ms))) return '';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
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
