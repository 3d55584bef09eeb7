// The team's roles and the statuses of tasks and subtasks, as the dashboard serves them from the contracts
// (GET /api/meta): the page names none of them itself.
import { get } from './api.js';

let loaded = null;

/** The meta, read once per page; a failed read is tried again on the next call. */
export function loadMeta() {
  if (!loaded) loaded = get('/api/meta').then(metaOf).catch((err) => { loaded = null; throw err; });
  return loaded;
}

/** The answer of GET /api/meta as the page uses it. */
export function metaOf(json) {
  const ids = (list, which = () => true) => (list || []).filter(which).map((s) => s.id);
  return Object.freeze({
    roles: [...(json.roles || [])],
    taskStatuses: ids(json.taskStatuses),
    subtaskStatuses: ids(json.subtaskStatuses),
    finishedTask: new Set(ids(json.taskStatuses, (s) => s.finished)),
    finishedSubtask: new Set(ids(json.subtaskStatuses, (s) => s.finished)),
    inFlightSubtask: new Set(ids(json.subtaskStatuses, (s) => s.inFlight)),
    traceUrl: typeof json.traceUrl === 'string' ? json.traceUrl : null,
  });
}

/**
 * A task's trace as the page shows it: its id, and a link into the tracing UI when the dashboard names one
 * (cohort.dashboard.trace-url, an http(s) URL with {traceId} in it); null for anything that is not a trace id.
 */
export function traceLink(meta, traceId) {
  if (typeof traceId !== 'string' || !/^[0-9a-f]{32}$/.test(traceId)) return null;
  const template = meta && meta.traceUrl;
  const href = typeof template === 'string' && /^https?:\/\//i.test(template) && template.includes('{traceId}')
    ? template.split('{traceId}').join(traceId) : null;
  return { id: traceId, href };
}
