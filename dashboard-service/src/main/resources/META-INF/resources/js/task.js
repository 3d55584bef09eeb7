// One task's page: its layout, its header with the controls that command it, and each of its panels.
import { h, fill, say, toast } from './dom.js';
import { money, elapsed, label } from './format.js';
import { post } from './api.js';
import { markdown } from './markdown.js';
import { lastCheck, checkText } from './checks.js';
import { traceLink } from './meta.js';
import { planCard, button } from './plan.js';
import { renderTimeline } from './timeline.js';
import { renderGraph } from './graph.js';
import { agentsPanel } from './agents.js';
import { messagesPanel } from './messages.js';
import { costTotals, taskCost, renderCosts } from './costs.js';
import { artifactsPanel } from './artifacts.js';

const $ = (id) => document.getElementById(id);

/**
 * Builds the page of the task taskId in container. current() says it is still the task on screen; changed() asks
 * for a render, refresh() for the task's snapshot to be read again and tasksChanged() for the task list.
 */
export function taskPage(container, { taskId, current, changed, refresh, tasksChanged }) {
  const command = async (name, doing, done, body, query = '') => {
    const feedback = $('control-feedback');
    say(feedback, doing + '…', 'busy');
    const buttons = document.querySelectorAll('.controls button, #plan-card button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await post(`/api/tasks/${encodeURIComponent(taskId)}/${name}${query}`, body);
      say(feedback, done + '.', 'ok');
      toast(done);
      refresh();
      tasksChanged();
      return true;
    } catch (err) {
      // The dashboard's errors already say what could not be done and why.
      say(feedback, err.message, 'error');
      return false;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      changed();
    }
  };
  // A task paused at its budget resumes only with a higher one; the orchestrator says so if it is missing.
  const resume = async () => {
    const budget = $('c-budget').value.trim();
    const ok = await command('resume', 'Resuming', budget ? `Resumed with a budget of ${money(budget)}` : 'Resumed',
      undefined, budget ? '?budgetUsd=' + encodeURIComponent(budget) : '');
    if (ok) $('c-budget').value = '';
  };
  const parts = {
    messages: h('ol', { id: 't-messages', class: 'messages' }),
    head: h('div', { id: 't-head' }),
    plan: h('section', { class: 'card', id: 'plan-card', hidden: true }),
    timeline: h('div', { id: 't-timeline', class: 'timeline-box' }),
    graph: h('div', { id: 't-graph', class: 'graph-box' }),
    agents: h('div', { id: 't-agents' }),
    costs: h('div', { id: 't-costs' }),
    conflicts: h('ul', { id: 't-conflicts', class: 'conflicts' }),
    tree: h('nav', { id: 't-tree', class: 'tree', 'aria-label': 'Artifacts' }),
    artifact: h('div', { id: 't-artifact', class: 'artifact-view' },
      h('p', { class: 'muted' }, 'Pick an artifact on the left to read it, its versions and their diffs.')),
  };
  const messages = messagesPanel(parts.messages, { taskId });
  container.replaceChildren(h('div', { class: 'task' },
    h('section', { class: 'card task-head' },
      parts.head,
      h('div', { class: 'controls' },
        button('Pause', 'c-pause', () => command('pause', 'Pausing', 'Paused')),
        h('span', { id: 'c-resume-group', class: 'resume-group' },
          h('input', { id: 'c-budget', inputmode: 'decimal', placeholder: 'new budget, USD (optional)',
            'aria-label': 'New budget in US dollars, optional' }),
          button('Resume', 'c-resume', resume)),
        cancelButton(() => command('cancel', 'Cancelling', 'Cancelled'))),
      h('p', { id: 'control-feedback', class: 'feedback', role: 'status', 'aria-live': 'polite' })),
    parts.plan,
    h('section', { class: 'card timeline-card' }, h('h2', {}, 'Timeline'), parts.timeline),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, 'Plan graph'), parts.graph),
      h('section', { class: 'card' }, h('h2', {}, 'Agents'), parts.agents)),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, 'Messages'), parts.messages, messages.form()),
      h('section', { class: 'card' }, h('h2', {}, 'Tokens and cost'), parts.costs,
        h('h3', {}, 'Conflicts'), parts.conflicts)),
    h('section', { class: 'card' }, h('h2', {}, 'Artifacts'),
      h('div', { class: 'artifacts' }, parts.tree, parts.artifact))));
  const plan = planCard(parts.plan, { command });
  const agents = agentsPanel(parts.agents, { taskId, refresh, changed });
  const artifacts = artifactsPanel({ tree: parts.tree, pane: parts.artifact, conflicts: parts.conflicts }, { taskId, current });

  function render(s) {
    const t = s.task || {};
    const status = s.status || t.status || 'submitted';
    const submitted = s.submitted || {};
    const title = t.title || submitted.title || s.id;
    const totals = costTotals(s);
    const summary = s.summary || t.summary;
    const finished = s.meta.finishedTask.has(status);
    fill(parts.head,
      h('h2', { class: 'task-name' }, title),
      h('div', { class: 'task-facts' },
        h('span', { id: 't-status', class: 'status status-' + status }, label(status)),
        h('span', {}, 'elapsed ', h('b', {}, elapsed(t.createdAt || submitted.occurredAt, t.finishedAt))),
        h('span', {}, 'cost ', h('b', { id: 't-cost' }, money(taskCost(s, totals)))),
        t.budgetUsd != null ? h('span', {}, 'budget ', h('b', {}, money(t.budgetUsd))) : null,
        h('span', {}, 'approval ', h('b', {}, t.approvalMode || submitted.approvalMode || '—')),
        checkFact(s),
        traceFact(s, t)),
      (t.description || submitted.description) ? h('p', { class: 'description' }, t.description || submitted.description) : null,
      s.reason ? h('p', { class: 'reason' + (status === 'paused' ? ' info' : '') }, 'Reason: ' + s.reason) : null,
      summary ? h('div', { class: 'summary' }, h('h3', {}, 'Summary'), h('div', { class: 'summary-text md' }, markdown(summary))) : null,
      s.snapshotError ? h('p', { class: 'feedback error' }, 'Task details unavailable: ' + s.snapshotError) : null);
    $('c-pause').hidden = finished || status === 'paused';
    $('c-resume-group').hidden = status !== 'paused';
    $('c-cancel').hidden = finished;
    plan.render(s, status);
    renderTimeline(parts.timeline, s, status);
    renderGraph(parts.graph, s);
    agents.render(s, status);
    messages.render(s);
    renderCosts(parts.costs, s, totals);
    artifacts.render(s);
  }

  return { render, timeline: parts.timeline };
}

function checkFact(s) {
  const last = lastCheck(s);
  if (!last) return null;
  const c = last.check;
  return h('span', { id: 't-verification', 'data-verification': c.passed ? 'passed' : 'failed', title: c.command },
    'last check ', h('b', { class: 'check-' + (c.passed ? 'passed' : 'failed') }, checkText(c)),
    last.subtask ? ' · ' + last.subtask : '');
}

// Cancelling asks for a second click within a few seconds.
function cancelButton(cancel) {
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
    cancel();
  });
  return b;
}

/** The task's OpenTelemetry trace: a link into the tracing UI when one is configured, else its id to copy. */
function traceFact(s, t) {
  const trace = traceLink(s.meta, t.traceId);
  if (!trace) return null;
  return h('span', { title: 'OpenTelemetry trace of this task' }, 'trace ', trace.href
    ? h('a', { id: 't-trace', href: trace.href, target: '_blank', rel: 'noopener noreferrer' }, trace.id.slice(0, 8) + '…')
    : h('code', { id: 't-trace' }, trace.id));
}
