import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { newState, reduce, adoptSnapshot, snapshotFailed, TEXT_KEPT } from '../../main/resources/META-INF/resources/js/state.js';
import { META, PLAN, LOCAL, CLOUD, event, replay, resetClock, iso, ms } from './fixtures.js';

beforeEach(resetClock);

const dispatched = (subtaskId, title, role, attempt = 1, fields = {}) =>
  event('subtask.state-changed', { subtaskId, title, role, status: 'dispatched', attempt, ...fields });
const subtask = (subtaskId, status, attempt = 1, fields = {}) =>
  event('subtask.state-changed', { subtaskId, status, attempt, ...fields });
const started = (subtaskId, role, attempt = 1, model = LOCAL) =>
  event('agent.started', { subtaskId, attempt, agentId: role + '-1', role, model });
const completed = (subtaskId, role, attempt = 1, fields = {}) =>
  event('agent.completed', { subtaskId, attempt, agentId: role + '-1', role, model: LOCAL,
    usage: { promptTokens: 300, completionTokens: 120, costUsd: 0 }, ...fields });
const toolCall = (subtaskId, n, outcome = 'ok') =>
  event('agent.tool-called', { subtaskId, attempt: 1, agentId: 'backend-1', role: 'backend', turn: n, tool: 'write',
    outcome, arguments: `{"path":"src/F${n}.java"}`, result: 'written', durationMillis: 40 });

test('a new task has nothing yet', () => {
  const s = newState('t1', META);
  assert.equal(s.id, 't1');
  assert.equal(s.status, null);
  assert.equal(s.nodes.size, 0);
  assert.equal(s.agents.size, 0);
  assert.deepEqual(s.messages, []);
});

test('a submitted task is submitted from the instant it was', () => {
  const s = replay(event('task.submitted', { title: 'Todo API', description: 'Build it', roles: [], approvalMode: 'auto' }));
  assert.equal(s.status, 'submitted');
  assert.equal(s.submitted.title, 'Todo API');
  assert.equal(s.startedAt, ms(1));
  assert.equal(s.lastAt, ms(1));
});

test('a plan becomes the graph: a node per subtask with its dependencies, and the task runs', () => {
  const s = replay(event('task.submitted', {}), event('task.planned', { subtasks: PLAN }));
  assert.equal(s.status, 'running');
  assert.deepEqual([...s.nodes.keys()], ['design', 'api', 'ui']);
  assert.deepEqual(s.nodes.get('api'), { key: 'api', title: 'Build the API', role: 'backend', status: 'pending',
    dependsOn: ['design'], attempt: 0 });
  assert.equal(s.plan.awaiting, false);
});

test('a plan waiting for approval keeps its estimates until it is approved', () => {
  const waiting = replay(event('task.awaiting-approval', { subtasks: PLAN, estimate: { tokens: 12000, costUsd: 0.42, seconds: 90 },
    subtaskEstimates: { api: { tokens: 5000, costUsd: 0.2 } } }));
  assert.equal(waiting.status, 'awaiting-approval');
  assert.equal(waiting.plan.awaiting, true);
  assert.equal(waiting.plan.subtaskEstimates.api.tokens, 5000);
  const approved = reduce(waiting, 'task.approved', event('task.approved', { approvedBy: 'alice' }).data);
  assert.equal(approved.status, 'running');
  assert.equal(approved.plan.awaiting, false);
  assert.equal(approved.plan.estimate.tokens, 12000);
  assert.equal(waiting.plan.awaiting, true, 'the state approved from is as it was');
});

test('a rejected plan cancels the task, as the orchestrator does, and says who rejected it and why', () => {
  const s = replay(event('task.awaiting-approval', { subtasks: PLAN }),
    event('task.rejected', { rejectedBy: 'alice', reason: 'too costly' }));
  assert.equal(s.status, 'cancelled');
  assert.equal(s.reason, 'plan rejected by alice: too costly');
  assert.equal(s.plan.awaiting, false);
  assert.equal(s.endedAt, ms(2));
  assert.ok(META.taskStatuses.includes(s.status));
});

test('every task status the events lead to is one the dashboard serves', () => {
  const seen = new Set();
  const after = (...events) => seen.add(replay(...events).status);
  after(event('task.submitted', {}));
  after(event('task.planned', { subtasks: PLAN }));
  after(event('task.awaiting-approval', { subtasks: PLAN }));
  after(event('task.awaiting-approval', { subtasks: PLAN }), event('task.approved', {}));
  after(event('task.awaiting-approval', { subtasks: PLAN }), event('task.rejected', { rejectedBy: 'alice' }));
  after(event('task.paused', { reason: 'budget reached' }));
  after(event('task.paused', {}), event('task.resumed', {}));
  after(event('task.completed', { summary: 'done' }));
  after(event('task.failed', { reason: 'no model' }));
  after(event('task.cancelled', { reason: 'by alice' }));
  for (const status of seen) assert.ok(META.taskStatuses.includes(status), status + ' is not a task status');
  assert.deepEqual([...seen].sort(), ['awaiting-approval', 'cancelled', 'completed', 'failed', 'paused', 'running', 'submitted']);
});

test('a pause says why, a resume forgets it', () => {
  const paused = replay(event('task.planned', { subtasks: PLAN }), event('task.paused', { reason: 'budget reached' }));
  assert.equal(paused.status, 'paused');
  assert.equal(paused.reason, 'budget reached');
  const resumed = reduce(paused, 'task.resumed', event('task.resumed', {}).data);
  assert.equal(resumed.status, 'running');
  assert.equal(resumed.reason, null);
});

test('a subtask named by id is matched to its planned node by title and role, and follows its states', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-api', 'Build the API', 'backend'),
    subtask('id-api', 'running'));
  assert.equal(s.idToKey.get('id-api'), 'api');
  const n = s.nodes.get('api');
  assert.equal(n.id, 'id-api');
  assert.equal(n.status, 'running');
  assert.equal(n.attempt, 1);
  assert.equal(s.nodes.size, 3, 'no second node for it');
  assert.equal(s.unplaced, 0);
});

test('a subtask the plan does not name gets a node of its own, and the snapshot is wanted', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-docs', 'Write the docs', 'architect'));
  assert.equal(s.nodes.get('id-docs').title, 'Write the docs');
  assert.equal(s.unplaced, 1);
  const unnamed = reduce(s, 'subtask.state-changed', subtask('id-other', 'running').data);
  assert.equal(unnamed.nodes.has('id-other'), false, 'without a title there is nothing to show');
  assert.equal(unnamed.unplaced, 1);
});

test('an agent starts, works and completes: its row, its node and its attempt follow', () => {
  const s1 = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-api', 'Build the API', 'backend'),
    started('id-api', 'backend', 1, CLOUD));
  const a1 = s1.agents.get('id-api#1');
  assert.deepEqual({ agentId: a1.agentId, role: a1.role, provider: a1.provider, model: a1.model, status: a1.status, key: a1.key },
    { agentId: 'backend-1', role: 'backend', provider: 'openrouter', model: 'anthropic/claude-sonnet-4', status: 'running', key: 'api' });
  assert.equal(s1.nodes.get('api').status, 'running');
  assert.equal(s1.attempts.get('id-api#1').outcome, 'running');
  assert.equal(s1.attempts.get('id-api#1').startedAt, ms(3));

  const s2 = reduce(reduce(s1, 'agent.progress', event('agent.progress', { subtaskId: 'id-api', attempt: 1, tokens: 800, phase: 'writing' }).data),
    'agent.progress', event('agent.progress', { subtaskId: 'id-api', attempt: 1, tokens: 500, phase: 'writing' }).data);
  assert.equal(s2.agents.get('id-api#1').tokens, 800, 'tokens never go back');
  assert.equal(s2.agents.get('id-api#1').phase, 'writing');

  const s3 = reduce(s2, 'agent.completed', completed('id-api', 'backend').data);
  const a3 = s3.agents.get('id-api#1');
  assert.equal(a3.status, 'done');
  assert.equal(a3.usage.promptTokens, 300);
  assert.equal(s3.attempts.get('id-api#1').outcome, 'completed');
  assert.equal(s3.attempts.get('id-api#1').finishedAt, ms(6));
  assert.equal(s1.agents.get('id-api#1').status, 'running', 'earlier states stay as they were');
});

test('an agent started on a subtask already finished does not make it run again', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-api', 'Build the API', 'backend'),
    subtask('id-api', 'done'), started('id-api', 'backend'));
  assert.equal(s.nodes.get('api').status, 'done');
});

test('tool calls are kept in order, the newest 50, with the ones that went wrong counted', () => {
  const events = [dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend')];
  for (let n = 1; n <= 55; n++) events.push(toolCall('id-api', n, n % 10 === 0 ? 'error' : 'ok'));
  const a = replay(...events).agents.get('id-api#1');
  assert.equal(a.toolCount, 55);
  assert.equal(a.toolProblems, 5);
  assert.equal(a.tools.length, 50);
  assert.deepEqual([a.tools[0].seq, a.tools[49].seq], [6, 55]);
  assert.deepEqual(a.tools[49], { seq: 55, turn: 55, tool: 'write', outcome: 'ok', arguments: '{"path":"src/F55.java"}',
    result: 'written', durationMillis: 40 });
});

test('a tool call of an agent not seen starting names its agent and role', () => {
  const a = replay(toolCall('id-api', 1, 'denied')).agents.get('id-api#1');
  assert.equal(a.agentId, 'backend-1');
  assert.equal(a.role, 'backend');
  assert.equal(a.toolProblems, 1);
});

test('the check an agent ran is its own and, the latest, the task\'s', () => {
  const failed = { command: 'mvn test', passed: false, exitCode: 1, timedOut: false, output: 'BUILD FAILURE' };
  const passed = { command: 'mvn test', passed: true, exitCode: 0, timedOut: false, output: 'BUILD SUCCESS' };
  const s = replay(dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'),
    completed('id-api', 'backend', 1, { verification: failed }),
    dispatched('id-api', 'Build the API', 'backend', 2), started('id-api', 'backend', 2),
    completed('id-api', 'backend', 2, { verification: passed }));
  assert.equal(s.agents.get('id-api#1').verification.passed, false);
  assert.equal(s.agents.get('id-api#1').verification.seq, 1);
  assert.equal(s.agents.get('id-api#2').verification.seq, 2);
  assert.equal(s.verification.passed, true);
  assert.equal(s.verification.agent, 'id-api#2');
  assert.equal(s.checks, 2);
});

test('an attempt that fails before it starts is the only word of its agent', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-api', 'Build the API', 'backend'),
    event('agent.failed', { subtaskId: 'id-api', attempt: 1, agentId: 'backend-1', role: 'backend', failure: 'input_unreadable',
      reason: 'cannot read docs/api.md' }));
  const a = s.agents.get('id-api#1');
  assert.deepEqual({ agentId: a.agentId, role: a.role, status: a.status, phase: a.phase, reason: a.reason, key: a.key },
    { agentId: 'backend-1', role: 'backend', status: 'failed', phase: 'input unreadable', reason: 'cannot read docs/api.md', key: 'api' });
  assert.equal(s.attempts.get('id-api#1').outcome, 'failed');
  assert.equal(s.attempts.get('id-api#1').failure, 'input_unreadable');
});

test('a running attempt sent back to pending was stopped, or reclaimed when its lease ran out', () => {
  const base = [dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend')];
  const stopped = replay(...base, subtask('id-api', 'pending', 1, { reason: 'stopped by alice: stuck' }),
    event('agent.failed', { subtaskId: 'id-api', attempt: 1, agentId: 'backend-1', role: 'backend', failure: 'cancelled',
      reason: 'cancelled' }));
  const a = stopped.agents.get('id-api#1');
  assert.equal(a.status, 'stopped');
  assert.equal(a.reason, 'stopped by alice: stuck', 'the orchestrator\'s reason stays');
  assert.equal(stopped.attempts.get('id-api#1').outcome, 'cancelled');

  resetClock();
  const reclaimed = replay(...[dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend')],
    subtask('id-api', 'pending', 1, { reason: 'no heartbeat for 30s; lease reclaimed' }));
  assert.equal(reclaimed.agents.get('id-api#1').status, 'reclaimed');
  assert.equal(reclaimed.attempts.get('id-api#1').outcome, 'stalled');
});

test('a retried subtask has an attempt per try, and a late result of a reclaimed one makes the next not needed', () => {
  const s = replay(dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'),
    subtask('id-api', 'pending', 1, { reason: 'no heartbeat for 30s' }),
    dispatched('id-api', 'Build the API', 'backend', 2),
    subtask('id-api', 'done', 1));
  assert.equal(s.attempts.get('id-api#1').outcome, 'completed');
  assert.equal(s.attempts.get('id-api#1').reason, null);
  assert.equal(s.attempts.get('id-api#2').outcome, 'cancelled');
  assert.equal(s.attempts.get('id-api#2').reason, 'not needed');
  assert.equal(s.attempts.get('id-api#2').dispatchedAt, ms(4));
});

test('an escalation marks the node and the attempt and says so among the messages', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-api', 'Build the API', 'backend'),
    event('agent.escalated', { subtaskId: 'id-api', attempt: 1, role: 'backend', from: LOCAL, to: CLOUD, reason: 'two failures' }));
  assert.equal(s.nodes.get('api').escalated, true);
  assert.equal(s.attempts.get('id-api#1').escalated, true);
  assert.equal(s.messages.length, 1);
  assert.equal(s.messages[0].system, true);
  assert.match(s.messages[0].text, /^backend escalated from qwen2.5-coder:7b \(ollama\) to anthropic\/claude-sonnet-4 \(openrouter\): two failures$/);
});

test('messages are kept in the order they came', () => {
  const m1 = event('agent.message', { from: { type: 'agent', id: 'backend-1' }, to: { type: 'role', id: 'architect' }, kind: 'question', text: 'Paging?' });
  const m2 = event('agent.message', { from: { type: 'agent', id: 'architect-1' }, to: { type: 'agent', id: 'backend-1' }, kind: 'note', text: 'Yes.' });
  const one = replay(m1);
  const two = reduce(one, m2.type, m2.data);
  assert.deepEqual(two.messages.map((m) => m.text), ['Paging?', 'Yes.']);
  assert.equal(one.messages.length, 1);
});

test('a published artifact is listed at its latest version, and a new version is a new entry', () => {
  const author = { role: 'backend', agentId: 'backend-1' };
  const s1 = replay(event('artifact.published', { key: 'src/App.java', version: 1, kind: 'code', tombstone: false, author }));
  const v1 = s1.artifacts.get('src/App.java');
  assert.deepEqual(v1, { key: 'src/App.java', version: 1, kind: 'code', tombstone: false, author });
  const s2 = reduce(s1, 'artifact.published', event('artifact.published', { key: 'src/App.java', version: 2, kind: 'code', tombstone: false, author }).data);
  assert.equal(s2.artifacts.get('src/App.java').version, 2);
  assert.notEqual(s2.artifacts.get('src/App.java'), v1);
  assert.equal(s1.artifacts.get('src/App.java').version, 1);
});

test('a conflict waits for the lead until it is resolved', () => {
  const s1 = replay(event('artifact.conflict', { conflictId: 'c1', key: 'src/App.java', author: 'frontend-1', baseVersion: 1, currentVersion: 2 }));
  assert.equal(s1.conflicts.get('c1').status, 'pending');
  const s2 = reduce(s1, 'artifact.resolved', event('artifact.resolved', { conflictId: 'c1', key: 'src/App.java', version: 3, resolvedBy: 'lead-1' }).data);
  assert.deepEqual({ status: s2.conflicts.get('c1').status, version: s2.conflicts.get('c1').resolvedVersion, by: s2.conflicts.get('c1').resolvedBy,
    author: s2.conflicts.get('c1').author }, { status: 'resolved', version: 3, by: 'lead-1', author: 'frontend-1' });
});

test('a completed task keeps its summary and usage and ends when it did', () => {
  const s = replay(event('task.planned', { subtasks: PLAN }),
    event('task.completed', { summary: '# Done\nAll of it.', usage: { promptTokens: 10, completionTokens: 5, costUsd: 0.01 } }));
  assert.equal(s.status, 'completed');
  assert.equal(s.summary, '# Done\nAll of it.');
  assert.equal(s.completedUsage.completionTokens, 5);
  assert.equal(s.endedAt, ms(2));
});

test('an unknown event changes nothing but the time last seen', () => {
  const s1 = replay(event('task.planned', { subtasks: PLAN }));
  const s2 = reduce(s1, 'agent.throttled', event('agent.throttled', {}).data);
  assert.equal(s2.nodes, s1.nodes);
  assert.equal(s2.lastAt, ms(2));
});

test('no event changes the state it is applied to', () => {
  const events = [event('task.submitted', {}), event('task.awaiting-approval', { subtasks: PLAN }), event('task.approved', {}),
    dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'), toolCall('id-api', 1),
    event('agent.progress', { subtaskId: 'id-api', attempt: 1, tokens: 50 }),
    completed('id-api', 'backend', 1, { verification: { command: 'mvn test', passed: true } }), subtask('id-api', 'done'),
    dispatched('id-docs', 'Write the docs', 'architect'), subtask('id-docs', 'pending', 1, { reason: 'no heartbeat' }),
    event('agent.escalated', { subtaskId: 'id-docs', attempt: 1, role: 'architect', from: LOCAL, to: CLOUD, reason: 'stalled' }),
    event('artifact.published', { key: 'a.md', version: 1 }), event('artifact.conflict', { conflictId: 'c', key: 'a.md' }),
    event('artifact.resolved', { conflictId: 'c', key: 'a.md', version: 2 }), event('task.completed', {})];
  let s = newState('t1', META);
  for (const e of events) {
    const before = structuredClone(s);
    const next = reduce(s, e.type, e.data);
    assert.deepEqual(s, before, e.type + ' changed the state it was applied to');
    s = next;
  }
  const before = structuredClone(s);
  adoptSnapshot(s, { id: 't1', status: 'completed', subtasks: [{ id: 'id-docs', key: 'docs', title: 'Write the docs', role: 'architect', status: 'done' }] });
  assert.deepEqual(s, before, 'nor does a snapshot');
});

test('the snapshot places a subtask first seen in an event under its plan key', () => {
  const s1 = replay(event('task.planned', { subtasks: PLAN }), dispatched('id-docs', 'Write the docs', 'architect'),
    started('id-docs', 'architect'));
  assert.equal(s1.agents.get('id-docs#1').key, 'id-docs');
  const s2 = adoptSnapshot(s1, { id: 't1', status: 'running', title: 'Todo API', subtasks: [
    { id: 'id-docs', key: 'docs', title: 'Write the docs', role: 'architect', status: 'dispatched', attempt: 1, dependsOn: ['design'],
      attempts: [{ attempt: 1, outcome: 'running', dispatchedAt: iso(2), startedAt: iso(3) }] }] });
  assert.equal(s2.nodes.has('id-docs'), false);
  const n = s2.nodes.get('docs');
  assert.deepEqual({ id: n.id, status: n.status, dependsOn: n.dependsOn }, { id: 'id-docs', status: 'running', dependsOn: ['design'] },
    'the status the events gave wins over the snapshot\'s');
  assert.equal(s2.idToKey.get('id-docs'), 'docs');
  assert.equal(s2.agents.get('id-docs#1').key, 'docs');
  assert.equal(s2.status, 'running', 'the events\' status stays');
  assert.equal(s2.task.title, 'Todo API');
});

test('a task whose events are gone is drawn from the snapshot: its status, subtasks, attempts and checks', () => {
  const s = adoptSnapshot(newState('t1', META), { id: 't1', status: 'completed', subtasks: [
    { id: 'id-api', key: 'api', title: 'Build the API', role: 'backend', status: 'done', attempt: 2, dependsOn: [],
      startedAt: iso(10), finishedAt: iso(40), verification: { command: 'mvn test', passed: true, exitCode: 0 },
      attempts: [
        { attempt: 1, outcome: 'failed', dispatchedAt: iso(1), startedAt: iso(2), finishedAt: iso(9), reason: 'compile error', failureKind: 'model_error', agentId: 'backend-1' },
        { attempt: 2, outcome: 'completed', dispatchedAt: iso(9), startedAt: iso(10), finishedAt: iso(40), agentId: 'backend-2', model: 'qwen' }] }] });
  assert.equal(s.status, 'completed');
  assert.equal(s.nodes.get('api').status, 'done');
  assert.equal(s.nodes.get('api').check.at, ms(40));
  const first = s.attempts.get('id-api#1');
  assert.deepEqual({ outcome: first.outcome, finishedAt: first.finishedAt, failure: first.failure, reason: first.reason },
    { outcome: 'failed', finishedAt: ms(9), failure: 'model_error', reason: 'compile error' });
  assert.equal(s.attempts.get('id-api#2').model, 'qwen');
});

test('a snapshot that cannot be read says why, and the next one clears it', () => {
  const failed = snapshotFailed(newState('t1', META), 'The orchestrator is not reachable');
  assert.equal(failed.snapshotError, 'The orchestrator is not reachable');
  assert.equal(adoptSnapshot(failed, { id: 't1', status: 'running' }).snapshotError, null);
});

const wrote = (subtaskId, text, attempt = 1, tokens = 100) =>
  event('agent.progress', { subtaskId, attempt, agentId: 'backend-' + attempt, phase: 'generating', tokens, text });

test('what the model writes is appended, progress by progress, while its attempt writes', () => {
  const s1 = replay(dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'),
    wrote('id-api', 'I will start with '), wrote('id-api', null), wrote('id-api', 'the <b>store</b>.\n'));
  const a = s1.agents.get('id-api#1');
  assert.equal(a.text, 'I will start with the <b>store</b>.\n');
  assert.equal(a.textTotal, 36);
  assert.equal(a.textCut, false);
  assert.equal(a.writing, true);
  const s2 = reduce(s1, 'agent.progress', wrote('id-api', 'Then the API.').data);
  assert.equal(s2.agents.get('id-api#1').text, 'I will start with the <b>store</b>.\nThen the API.');
  assert.equal(s1.agents.get('id-api#1').text, 'I will start with the <b>store</b>.\n', 'the state appended to is as it was');
  const quiet = replay(started('id-api', 'backend'), wrote('id-api', null)).agents.get('id-api#1');
  assert.deepEqual([quiet.text, quiet.textTotal], ['', 0], 'a progress without text writes nothing');
});

test('only the end of what the model wrote is kept, and that the start was dropped', () => {
  const events = [started('id-api', 'backend')];
  for (let n = 0; n < 4; n++) events.push(wrote('id-api', String(n).repeat(2000)));
  const a = replay(...events).agents.get('id-api#1');
  assert.equal(a.text.length, TEXT_KEPT);
  assert.equal(a.text, '1'.repeat(2000) + '2'.repeat(2000) + '3'.repeat(2000));
  assert.equal(a.textTotal, 8000);
  assert.equal(a.textCut, true);
  const after = reduce(replay(...events), 'agent.progress', wrote('id-api', 'end').data).agents.get('id-api#1');
  assert.equal(after.text.length, TEXT_KEPT);
  assert.ok(after.text.endsWith('3end'));
  assert.equal(after.textCut, true, 'once cut, always cut');
});

test('a new attempt writes on its own, and the one before keeps its text but writes no more', () => {
  const first = replay(dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'),
    wrote('id-api', 'first try'));
  const s = [subtask('id-api', 'pending', 1, { reason: 'failed: model error; retrying' }),
    dispatched('id-api', 'Build the API', 'backend', 2), started('id-api', 'backend', 2), wrote('id-api', 'second', 2)]
    .reduce((x, e) => reduce(x, e.type, e.data), first);
  const a1 = s.agents.get('id-api#1');
  const a2 = s.agents.get('id-api#2');
  assert.deepEqual([a1.text, a1.writing], ['first try', false]);
  assert.deepEqual([a2.text, a2.writing], ['second', true]);

  // The earlier attempt was still running when the next one began (its lease lapsed, say): it stops writing too,
  // and a late progress of it adds its text without making it write again.
  const lapsed = replay(started('id-api', 'backend'), wrote('id-api', 'one'), started('id-api', 'backend', 2),
    wrote('id-api', 'two', 2), wrote('id-api', ' more', 1));
  assert.deepEqual([lapsed.agents.get('id-api#1').text, lapsed.agents.get('id-api#1').writing], ['one more', false]);
  assert.equal(lapsed.agents.get('id-api#2').writing, true);
});

test('a finished attempt keeps its text and writes no more', () => {
  const base = [dispatched('id-api', 'Build the API', 'backend'), started('id-api', 'backend'), wrote('id-api', 'All done.')];
  const done = replay(...base, completed('id-api', 'backend')).agents.get('id-api#1');
  assert.deepEqual([done.text, done.writing, done.status], ['All done.', false, 'done']);
  const failed = replay(...base, event('agent.failed', { subtaskId: 'id-api', attempt: 1, agentId: 'backend-1', role: 'backend',
    failure: 'model_error', reason: 'the model stopped answering' })).agents.get('id-api#1');
  assert.deepEqual([failed.text, failed.writing, failed.status], ['All done.', false, 'failed']);
  const stopped = replay(...base, subtask('id-api', 'pending', 1, { reason: 'stopped by alice' })).agents.get('id-api#1');
  assert.deepEqual([stopped.text, stopped.writing], ['All done.', false]);
  const late = replay(...base, completed('id-api', 'backend'), wrote('id-api', ' And one more thing.')).agents.get('id-api#1');
  assert.deepEqual([late.text, late.writing], ['All done. And one more thing.', false], 'a late progress writes no more');
  const ended = replay(...base, event('task.cancelled', { reason: 'by alice' })).agents.get('id-api#1');
  assert.deepEqual([ended.text, ended.writing], ['All done.', false], 'nor does one of a task that ended');
});
