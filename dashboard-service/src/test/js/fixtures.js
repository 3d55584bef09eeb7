// What the tests of the page's scripts share: the roles and statuses the dashboard serves, and events as its
// stream delivers them.
import { readFileSync } from 'node:fs';
import { metaOf } from '../../main/resources/META-INF/resources/js/meta.js';
import { newState, reduce } from '../../main/resources/META-INF/resources/js/state.js';

// The build passes the answer of GET /api/meta (PageScriptsTest); run alone, the tests read a copy of it.
const source = process.env.COHORT_META || new URL('./meta.json', import.meta.url);
export const META_JSON = JSON.parse(readFileSync(source, 'utf8'));
export const META = metaOf(META_JSON);

const T0 = Date.parse('2026-05-04T10:00:00Z');
let clock = 0;

/** An instant n seconds after the tests' start, as the events carry it. */
export function iso(seconds) {
  return new Date(T0 + seconds * 1000).toISOString();
}

export function ms(seconds) {
  return T0 + seconds * 1000;
}

/** An event of the task t1, one second after the one before unless it says when it occurred. */
export function event(type, fields = {}) {
  clock += 1;
  return { type, data: { eventId: 'e' + clock, taskId: 't1', occurredAt: iso(clock), schemaVersion: 1, ...fields } };
}

/** Starts the clock of event() again: the next event occurs one second after T0. */
export function resetClock() {
  clock = 0;
}

/** The state of task t1 after the events, in order. */
export function replay(...events) {
  return events.reduce((s, e) => reduce(s, e.type, e.data), newState('t1', META));
}

export const LOCAL = { provider: 'ollama', model: 'qwen2.5-coder:7b' };
export const CLOUD = { provider: 'openrouter', model: 'anthropic/claude-sonnet-4' };

export const PLAN = [
  { id: 'design', role: 'architect', title: 'Design the API', dependsOn: [] },
  { id: 'api', role: 'backend', title: 'Build the API', dependsOn: ['design'] },
  { id: 'ui', role: 'frontend', title: 'Build the UI', dependsOn: ['design'] },
];
