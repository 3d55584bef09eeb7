import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elements } from './fake-dom.js';
import { renderGraph, drawGraph } from '../../main/resources/META-INF/resources/js/graph.js';
import { layoutGraph } from '../../main/resources/META-INF/resources/js/layout.js';
import { drawTimeline } from '../../main/resources/META-INF/resources/js/timeline.js';
import { metaOf } from '../../main/resources/META-INF/resources/js/meta.js';
import { newState } from '../../main/resources/META-INF/resources/js/state.js';
import { META, META_JSON, PLAN, event, replay, ms } from './fixtures.js';

const outcomes = (svg) => elements(svg).filter((e) => e.getAttribute('data-outcome'))
  .map((e) => `${e.getAttribute('data-key')}#${e.getAttribute('data-attempt')} ${e.getAttribute('data-outcome')}`);

test('the graph\'s legend names the subtask statuses the dashboard serves, and escalated', () => {
  const box = document.createElement('div');
  renderGraph(box, replay(event('task.planned', { subtasks: PLAN })));
  const legend = elements(box).filter((e) => e.className.startsWith('legend-item')).map((e) => e.textContent);
  assert.deepEqual(legend, ['pending', 'dispatched', 'running', 'done', 'failed', 'escalated', 'skipped', 'cancelled']);

  const more = metaOf({ ...META_JSON, subtaskStatuses: [...META_JSON.subtaskStatuses, { id: 'blocked', finished: false, inFlight: false }] });
  const s = replay(event('task.planned', { subtasks: PLAN }));
  renderGraph(box, { ...s, meta: more });
  assert.ok(elements(box).some((e) => e.className === 'legend-item state-blocked'), 'a status the server adds shows up');
});

test('the graph draws its layout: a node where it was placed, a path per dependency, done ones below the rest', () => {
  const nodes = [{ key: 'design', title: 'Design', role: 'architect', status: 'done', dependsOn: [] },
    { key: 'api', title: 'API', role: 'backend', status: 'running', dependsOn: ['design'] },
    { key: 'test', title: 'Test', role: 'tester', status: 'pending', dependsOn: ['api'] },
    { key: 'summary', title: 'Summarise the result', role: 'lead', status: 'pending', dependsOn: ['design', 'api', 'test'] }];
  const drawn = elements(drawGraph(nodes));
  const layout = layoutGraph(nodes);
  assert.deepEqual(drawn.filter((e) => e.getAttribute('data-key')).map((e) => [e.getAttribute('data-key'), e.getAttribute('transform')]),
    [...layout.nodes].map(([k, p]) => [k, `translate(${p.x},${p.y})`]));
  const paths = drawn.filter((e) => e.className.startsWith('edge'));
  assert.deepEqual(paths.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')} ${e.className}`),
    ['design>api edge edge-done', 'design>summary edge edge-done', 'api>test edge', 'api>summary edge', 'test>summary edge']);
  const byEdge = new Map(layout.edges.map((e) => [`${e.from}>${e.to}`, e.d]));
  assert.ok(paths.every((e) => e.getAttribute('d') === byEdge.get(`${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`)));
});

test('the graph waits for the plan', () => {
  const box = document.createElement('div');
  renderGraph(box, { ...newState('t1', META), status: 'planning' });
  assert.equal(box.textContent, 'The lead is planning; the graph appears when the plan is ready.');
});

test('a failed attempt of a subtask still open was retried; of a finished one it failed', () => {
  const node = (status) => ({ key: 'api', title: 'API', role: 'backend', status, dependsOn: [] });
  const attempts = [
    { key: 'api', attempt: 1, dispatchedAt: ms(0), startedAt: ms(1), finishedAt: ms(5), outcome: 'failed' },
    { key: 'api', attempt: 2, dispatchedAt: ms(5), startedAt: ms(6), finishedAt: null, outcome: 'running' }];
  const span = { start: ms(0), end: ms(20), width: 900 };
  assert.deepEqual(outcomes(drawTimeline([node('running')], attempts, span, META.finishedSubtask)),
    ['api#1 retried', 'api#2 running']);
  assert.deepEqual(outcomes(drawTimeline([node('pending')], attempts.slice(0, 1), span, META.finishedSubtask)),
    ['api#1 retried']);
  assert.deepEqual(outcomes(drawTimeline([node('failed')], attempts.slice(0, 1), span, META.finishedSubtask)),
    ['api#1 failed']);
});

test('a subtask that never ran shows why: waiting for its dependencies, or how it ended', () => {
  const nodes = [{ key: 'design', title: 'Design', role: 'architect', status: 'failed', dependsOn: [], reason: 'no model' },
    { key: 'api', title: 'API', role: 'backend', status: 'skipped', dependsOn: ['design'] },
    { key: 'ui', title: 'UI', role: 'frontend', status: 'pending', dependsOn: ['design'] }];
  const svg = drawTimeline(nodes, [], { start: ms(0), end: ms(20), width: 900 }, META.finishedSubtask);
  assert.deepEqual(outcomes(svg), ['design#0 failed', 'api#0 skipped', 'ui#0 pending']);
});
