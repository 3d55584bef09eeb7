// The plan of one task: while it waits for approval, a table with its estimates and the controls to edit, approve
// or reject it; otherwise the same table, collapsed.
import { h, fill, say } from './dom.js';
import { money, tokens, count } from './format.js';

/** The plan in card; command(name, doing, done, body) gives a command to the task and resolves to whether it went. */
export function planCard(card, { command }) {
  let rendered = null;

  function render(s, status) {
    const plan = s.plan;
    if (!plan) { card.hidden = true; return; }
    const awaiting = plan.awaiting && status === 'awaiting-approval';
    const signature = JSON.stringify([plan.subtasks, awaiting]);
    if (rendered === signature) return;
    rendered = signature;
    card.hidden = false;
    const est = plan.estimate;
    const table = h('table', { class: 'plan' },
      h('thead', {}, h('tr', {}, h('th', {}, 'id'), h('th', {}, 'role'), h('th', {}, 'title'),
        h('th', {}, 'after'), h('th', {}, 'writes'), h('th', {}, 'estimate'))),
      h('tbody', {}, (plan.subtasks || []).map((t) => {
        const e = (plan.subtaskEstimates || {})[t.id];
        return h('tr', {}, h('td', {}, t.id), h('td', {}, t.role), h('td', { title: t.instructions || '' }, t.title),
          h('td', {}, (t.dependsOn || []).join(', ') || '—'), h('td', {}, (t.writes || []).join(', ') || '—'),
          h('td', {}, e ? `${tokens(e.tokens)} tok · ${money(e.costUsd)}` : '—'));
      })));
    const estimate = est ? h('p', { class: 'estimate' }, `Estimate: ${tokens(est.tokens)} tokens, ${money(est.costUsd)}, about ${est.seconds}s.`) : null;
    if (!awaiting) {
      fill(card, h('details', { id: 'plan-details' },
        h('summary', {}, h('b', {}, 'Plan'), ` · ${count((plan.subtasks || []).length, 'subtask')}`, est ? ` · estimated ${money(est.costUsd)}` : '',
          ' (show)'), estimate, table));
      return;
    }
    fill(card, h('h2', {}, 'Plan waiting for your approval'), estimate, table, ...approval(plan));
  }

  function approval(plan) {
    const editor = h('textarea', { id: 'plan-editor', class: 'code', rows: 14, spellcheck: 'false', hidden: true },
      JSON.stringify(plan.subtasks, null, 2));
    const reason = h('input', { id: 'reject-reason', placeholder: 'Why? (sent to the lead)', hidden: true,
      'aria-label': 'Why you reject the plan', oninput: () => reason.removeAttribute('aria-invalid') });
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
      say(feedback, ok ? 'Approved; the team starts.' : document.getElementById('control-feedback').textContent, ok ? 'ok' : 'error');
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
      say(feedback, ok ? 'Rejected.' : document.getElementById('control-feedback').textContent, ok ? 'ok' : 'error');
    }, 'danger');
    return [h('div', { class: 'controls' }, approve, editButton, reject, reason), editor, feedback];
  }

  return { render };
}

export function button(text, id, onclick, cls = '') {
  return h('button', { id, type: 'button', class: cls, onclick }, text);
}
