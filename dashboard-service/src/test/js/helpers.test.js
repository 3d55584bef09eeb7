import { test } from 'node:test';
import assert from 'node:assert/strict';
import './fake-dom.js';
import { money, tokens, elapsed, label, count } from '../../main/resources/META-INF/resources/js/format.js';
import { metaOf, traceLink } from '../../main/resources/META-INF/resources/js/meta.js';
import { checkText, checkOf, lastCheck } from '../../main/resources/META-INF/resources/js/checks.js';
import { costTotals, taskCost } from '../../main/resources/META-INF/resources/js/costs.js';
import { stoppable, duration } from '../../main/resources/META-INF/resources/js/agents.js';
import { recipients, who } from '../../main/resources/META-INF/resources/js/messages.js';
import { adoptSnapshot } from '../../main/resources/META-INF/resources/js/state.js';
import { META, META_JSON, PLAN, LOCAL, CLOUD, event, replay, iso } from './fixtures.js';

test('money, tokens, elapsed time, labels and counts in words', () => {
  assert.deepEqual([money(null), money(''), money('x'), money(0), money(0.004), money('2.5')], ['—', '—', '—', '$0.00', '$0.0040', '$2.50']);
  assert.deepEqual([tokens(0), tokens(undefined), tokens(9999), tokens(12345)], ['0', '0', '9999', '12.3k']);
  assert.equal(elapsed(null), '—');
  assert.equal(elapsed(iso(0), iso(42)), '42s');
  assert.equal(elapsed(iso(0), iso(125)), '2m 5s');
  assert.equal(elapsed(iso(0), iso(3 * 3600 + 60)), '3h 1m');
  assert.equal(elapsed(iso(10), iso(0)), '—');
  assert.deepEqual([label('awaiting-approval'), label('model_error'), label(null)], ['awaiting approval', 'model error', '']);
  assert.deepEqual([count(1, 'subtask'), count(3, 'tool call')], ['1 subtask', '3 tool calls']);
  assert.deepEqual([duration(null), duration(850), duration(1234), duration(14000)], ['', '850 ms', '1.2 s', '14 s']);
});

test('the meta names the roles and which statuses are finished or in flight, and no status of its own', () => {
  const m = metaOf(META_JSON);
  assert.ok(m.roles.includes('lead') && m.roles.includes('backend'));
  assert.ok(!m.taskStatuses.includes('rejected'), 'a rejected plan cancels its task');
  assert.deepEqual([...m.finishedTask], ['completed', 'failed', 'cancelled']);
  assert.deepEqual([...m.finishedSubtask], ['done', 'failed', 'skipped', 'cancelled']);
  assert.deepEqual([...m.inFlightSubtask], ['dispatched', 'running']);
  assert.ok(Object.isFrozen(m));
  assert.deepEqual(metaOf({}).roles, []);
});

test('a check in words', () => {
  assert.equal(checkText({ passed: true }), 'tests passed');
  assert.equal(checkText({ passed: false, exitCode: 2 }), 'tests failed (exit 2)');
  assert.equal(checkText({ passed: false, timedOut: true }), 'tests failed (timed out)');
});

const failing = { command: 'mvn test', passed: false, exitCode: 1 };
const passing = { command: 'mvn test', passed: true, exitCode: 0 };
const run = (attempt, verification, model = LOCAL) => [
  event('subtask.state-changed', { subtaskId: 'id-api', title: 'Build the API', role: 'backend', status: 'dispatched', attempt }),
  event('agent.started', { subtaskId: 'id-api', attempt, agentId: 'backend-' + attempt, role: 'backend', model }),
  event('agent.completed', { subtaskId: 'id-api', attempt, agentId: 'backend-' + attempt, role: 'backend', model,
    usage: { promptTokens: 1000, completionTokens: 200, costUsd: model === CLOUD ? '0.05' : null }, verification })];

test('a subtask\'s check is its latest attempt\'s, and the task\'s the latest of all', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), ...run(1, failing), ...run(2, passing));
  assert.equal(checkOf(s, s.nodes.get('api')).passed, true);
  assert.deepEqual(lastCheck(s), { check: s.verification, subtask: 'api #2' });
  assert.equal(checkOf(s, s.nodes.get('ui')), undefined);
});

test('without events, the checks come from the orchestrator\'s record of the subtasks', () => {
  const s = adoptSnapshot(replay(), { id: 't1', status: 'completed', subtasks: [
    { id: 'a', key: 'api', title: 'API', role: 'backend', status: 'done', finishedAt: iso(20), verification: failing },
    { id: 'u', key: 'ui', title: 'UI', role: 'frontend', status: 'done', finishedAt: iso(30), verification: passing }] });
  assert.equal(lastCheck(s).subtask, 'ui');
  assert.equal(lastCheck(s).check.passed, true);
  assert.equal(lastCheck(replay()), null);
});

test('the cost adds up per provider; the snapshot\'s figure counts when it is the larger', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), ...run(1, null), ...run(2, null, CLOUD));
  const totals = costTotals(s);
  assert.equal(totals.tokens, 2400);
  assert.equal(totals.cost, 0.05);
  assert.deepEqual(totals.byProvider.get('ollama'), { tokens: 1200, cost: null });
  assert.deepEqual(totals.byProvider.get('openrouter'), { tokens: 1200, cost: 0.05 });
  assert.equal(taskCost(s, totals), 0.05);
  assert.equal(taskCost({ ...s, task: { costUsd: '0.07' } }, totals), '0.07');
  assert.equal(taskCost({ ...s, task: { costUsd: '0.01' } }, totals), 0.05);
  assert.equal(costTotals(replay()).cost, null);
});

test('only the attempt in flight of a subtask in flight can be stopped, and only while the task goes on', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }),
    event('subtask.state-changed', { subtaskId: 'id-api', title: 'Build the API', role: 'backend', status: 'dispatched', attempt: 1 }),
    event('agent.started', { subtaskId: 'id-api', attempt: 1, agentId: 'backend-1', role: 'backend', model: LOCAL }));
  const a = s.agents.get('id-api#1');
  const n = s.nodes.get('api');
  assert.equal(stoppable(s, a, n, 'running'), true);
  assert.equal(stoppable(s, a, n, 'cancelled'), false);
  assert.equal(stoppable(s, a, { ...n, status: 'done' }, 'running'), false);
  assert.equal(stoppable(s, a, { ...n, attempt: 2 }, 'running'), false);
  assert.equal(stoppable(s, { ...a, status: 'done' }, n, 'running'), false);
  assert.equal(stoppable(s, a, undefined, 'running'), false);
});

test('a message goes to the task\'s roles, the team\'s before any is known, or its agents', () => {
  assert.deepEqual(recipients(replay(), 'role'), META.roles);
  const s = replay(event('task.planned', { subtasks: PLAN }), ...run(1, null));
  assert.deepEqual(recipients(s, 'role'), ['architect', 'backend', 'frontend']);
  assert.deepEqual(recipients(s, 'agent'), ['backend-1']);
  assert.deepEqual(recipients(s, 'team'), []);
  assert.deepEqual([who({ type: 'role', id: 'backend' }), who({ type: 'agent', id: 'backend-1' }), who({ type: 'team', id: 'all' }), who(null)],
    ['@backend', 'backend-1', 'team', '?']);
});

test('a task\'s trace links into the tracing UI only through an http(s) template, else shows its id', () => {
  const id = '3f2b8c1e9d4a4c7e8a510b6f2e9d7c13';
  const jaeger = metaOf({ ...META_JSON, traceUrl: 'http://jaeger:16686/trace/{traceId}' });
  assert.deepEqual(traceLink(jaeger, id), { id, href: 'http://jaeger:16686/trace/' + id });
  assert.deepEqual(traceLink(metaOf({ ...META_JSON, traceUrl: null }), id), { id, href: null });
  assert.deepEqual(traceLink(metaOf({ ...META_JSON, traceUrl: 'javascript:alert(1)//{traceId}' }), id), { id, href: null });
  assert.deepEqual(traceLink(metaOf({ ...META_JSON, traceUrl: 'https://ui/no-placeholder' }), id), { id, href: null });
  for (const bad of [undefined, null, '', 'x'.repeat(32), id.toUpperCase(), id + '0', '"><img src=x onerror=alert(1)>']) {
    assert.equal(traceLink(jaeger, bad), null, String(bad));
  }
});
