// The messages of one task (agent to agent, person to agent, escalations) and the form to write to a role, an agent
// or the team.
import { h, fill, say } from './dom.js';
import { time } from './format.js';
import { post } from './api.js';
import { markdown } from './markdown.js';

/** The list in list and the form returned by form(), for the task taskId. */
export function messagesPanel(list, { taskId }) {
  let shown = null;

  function render(s) {
    shown = s;
    if (list.dataset.count !== String(s.messages.length)) {
      // Follow new messages unless the reader scrolled up to read older ones.
      const following = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
      list.dataset.count = String(s.messages.length);
      if (!s.messages.length) {
        fill(list, h('li', { class: 'muted' }, 'No messages yet. Agents ask and answer each other here; you can write to them below.'));
      } else {
        fill(list, ...s.messages.map((m) => m.system
          ? h('li', { class: 'message system' }, h('span', { class: 'text', 'data-text': m.text }, m.text))
          : h('li', { class: 'message kind-' + m.kind + (m.from.type === 'person' ? ' from-person' : '') },
            h('span', { class: 'who' }, who(m.from), ' → ', who(m.to)),
            h('span', { class: 'kind' }, m.kind),
            h('span', { class: 'when' }, time(m.occurredAt)),
            h('div', { class: 'text md', 'data-text': m.text }, markdown(m.text)))));
        if (following) list.scrollTop = list.scrollHeight;
      }
    }
    if (document.getElementById('m-to-id')) fillRecipients(s);
  }

  function form() {
    const feedback = h('p', { id: 'message-feedback', class: 'feedback', role: 'status', 'aria-live': 'polite' });
    const toType = h('select', { id: 'm-to-type', 'aria-label': 'Recipient type', onchange: () => { if (shown) fillRecipients(shown); } },
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
          await post(`/api/tasks/${encodeURIComponent(taskId)}/messages`, { to, kind: kind.value, text: text.value.trim() });
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

  return { render, form };
}

/** Whom a message can go to: the task's roles (the team's, before any is known), its agents, or the team. */
export function recipients(s, type) {
  if (type === 'role') {
    const roles = new Set([...(s.task && s.task.roles || []), ...[...s.nodes.values()].map((n) => n.role),
      ...[...s.agents.values()].map((a) => a.role)].filter((r) => r && r !== '?'));
    return [...(roles.size ? roles : s.meta.roles)];
  }
  if (type === 'agent') return [...new Set([...s.agents.values()].map((a) => a.agentId).filter(Boolean))];
  return [];
}

function fillRecipients(s) {
  const type = document.getElementById('m-to-type').value;
  const select = document.getElementById('m-to-id');
  const options = recipients(s, type);
  const current = select.value;
  const sig = type + ':' + options.join(',');
  if (select.dataset.sig === sig) return;
  select.dataset.sig = sig;
  select.replaceChildren(...options.map((o) => h('option', { value: o }, o)));
  select.disabled = type === 'team' || !options.length;
  if (options.includes(current)) select.value = current;
}

/** A sender or a recipient in words: '@backend' for a role, the agent's id, or 'team'. */
export function who(p) {
  if (!p) return '?';
  if (p.type === 'team') return 'team';
  return p.type === 'role' ? '@' + p.id : p.id;
}
