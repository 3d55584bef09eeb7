// The sidebar: the submit form and the list of tasks.
import { h, fill, say, toast } from './dom.js';
import { money, elapsed, label } from './format.js';
import { get, post } from './api.js';

const $ = (id) => document.getElementById(id);

/**
 * The task list, which shows its tasks while the page is running (running()) and marks the one open (selected(),
 * an id or null).
 */
export function taskList({ running, selected }) {
  let tasks = [];
  let loaded = false;
  let timer = null;

  async function load() {
    try {
      const list = await get('/api/tasks?size=100');
      if (!running()) return;
      tasks = list;
      loaded = true;
      $('tasks-error').hidden = true;
    } catch (err) {
      if (!running()) return;
      $('tasks-error').hidden = false;
      $('tasks-error').textContent = 'Cannot list tasks: ' + err.message;
    }
    render();
  }

  function render() {
    const list = $('task-list');
    const open = selected();
    fill(list, ...tasks.map((t) => h('li', {
      class: 'task-item' + (open === t.id ? ' selected' : ''), 'data-task-id': t.id,
    }, h('a', { href: '#/tasks/' + t.id },
      h('span', { class: 'task-title' }, t.title || t.description || t.id),
      h('span', { class: 'task-meta' },
        h('span', { class: 'status status-' + t.status }, label(t.status)),
        h('span', { class: 'elapsed', title: 'elapsed' }, elapsed(t.createdAt, t.finishedAt)),
        h('span', { class: 'cost', title: 'cost so far' }, money(t.costUsd)))))));
    if (loaded && !tasks.length) list.append(h('li', { class: 'muted' }, 'No tasks yet.'));
    if (!open) $('empty').hidden = false;
  }

  return {
    load,
    render,
    reloadSoon() {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    },
    /** Forgets every task: the session ended. */
    clear() {
      clearTimeout(timer);
      tasks = [];
      loaded = false;
      $('task-list').replaceChildren();
      $('tasks-error').hidden = true;
    },
  };
}

/** The team's roles to pick from in the submit form. */
export function roleChips(roles) {
  const chips = $('f-roles');
  if (chips.children.length) return;
  chips.append(...roles.map((r) => h('label', { class: 'chip' },
    h('input', { type: 'checkbox', name: 'roles', value: r }), ' ' + r)));
}

/** The submit form: a submitted task is listed and opened. */
export function submitForm(list) {
  const form = $('submit-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
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
      await list.load();
      if (task && task.id) location.hash = '#/tasks/' + task.id;
    } catch (err) {
      say(feedback, 'Not submitted: ' + err.message, 'error');
    } finally {
      button.disabled = false;
    }
  });
}
