// Tokens and cost of one task: the task's actual beside the plan's estimate, then per agent and per provider.
import { h, fill } from './dom.js';
import { money, tokens } from './format.js';

/** What the agents used, in total and per provider: {byProvider: Map(provider -> {tokens, cost}), cost, tokens}. */
export function costTotals(s) {
  const byProvider = new Map();
  let cost = 0, tok = 0, known = false;
  for (const a of s.agents.values()) {
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

/** The task's cost: the snapshot may be older than the events seen since, so the larger figure is the newer one. */
export function taskCost(s, totals) {
  const t = s.task || {};
  return t.costUsd != null && (totals.cost == null || Number(t.costUsd) > totals.cost) ? t.costUsd : totals.cost;
}

export function renderCosts(box, s, totals) {
  const est = s.plan && s.plan.estimate;
  const t = s.task || {};
  const rows = [...s.agents.values()].map((a) => {
    const u = a.usage;
    const e = s.plan && s.plan.subtaskEstimates && a.key && s.plan.subtaskEstimates[a.key];
    return h('tr', {}, h('td', {}, a.agentId || '?'), h('td', {}, a.role || ''),
      h('td', { class: 'num' }, tokens(u ? (u.promptTokens || 0) + (u.completionTokens || 0) : a.tokens)),
      h('td', { class: 'num' }, e ? tokens(e.tokens) : '—'),
      h('td', { class: 'num' }, money(u && u.costUsd)), h('td', { class: 'num' }, e ? money(e.costUsd) : '—'));
  });
  const providers = [...totals.byProvider.entries()].map(([p, c]) => h('tr', {},
    h('td', {}, p), h('td', {}, p === 'ollama' ? 'local' : p === '?' ? '' : 'cloud'),
    h('td', { class: 'num' }, tokens(c.tokens)), h('td', { class: 'num' }, money(c.cost))));
  const actualTokens = Math.max((t.promptTokens || 0) + (t.completionTokens || 0), totals.tokens);
  fill(box,
    h('table', { class: 'costs', id: 'cost-task' }, h('tbody', {},
      h('tr', {}, h('th', {}, 'Task'), h('th', { class: 'num' }, 'actual'), h('th', { class: 'num' }, 'estimate')),
      h('tr', {}, h('td', {}, 'tokens'), h('td', { class: 'num' }, tokens(actualTokens)), h('td', { class: 'num' }, est ? tokens(est.tokens) : '—')),
      h('tr', {}, h('td', {}, 'cost'), h('td', { class: 'num' }, money(taskCost(s, totals))),
        h('td', { class: 'num' }, est ? money(est.costUsd) : '—')))),
    rows.length ? h('table', { class: 'costs', id: 'cost-agents' },
      h('thead', {}, h('tr', {}, h('th', {}, 'agent'), h('th', {}, 'role'), h('th', { class: 'num' }, 'tokens'),
        h('th', { class: 'num' }, 'est.'), h('th', { class: 'num' }, 'cost'), h('th', { class: 'num' }, 'est.'))),
      h('tbody', {}, rows)) : null,
    providers.length ? h('table', { class: 'costs', id: 'cost-providers' },
      h('thead', {}, h('tr', {}, h('th', {}, 'provider'), h('th', {}, ''), h('th', { class: 'num' }, 'tokens'), h('th', { class: 'num' }, 'cost'))),
      h('tbody', {}, providers)) : null);
}
