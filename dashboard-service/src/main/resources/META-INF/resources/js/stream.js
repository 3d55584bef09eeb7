// One SSE stream that survives disconnects. The browser's EventSource resumes by itself with Last-Event-ID after a
// dropped connection; when it gives up (an HTTP error, e.g. while the dashboard restarts) this reconnects with the
// last id as a query parameter, so no event is missed either way. The stream authenticates by the session cookie
// (an EventSource cannot send headers); it cannot tell a refusal from an outage, so when it gives up it calls
// onGiveUp, which asks the API whether the session is still there, and waits longer after each failure in a row.
export class EventStream {
  constructor(url, onEvent, onState, onGiveUp) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.onGiveUp = onGiveUp || (() => {});
    this.lastId = null;
    this.source = null;
    this.closed = false;
    this.retryTimer = null;
    this.failures = 0;
  }

  open() {
    if (this.source) this.source.close();
    clearTimeout(this.retryTimer);
    this.closed = false;
    const url = this.lastId ? this.url + (this.url.includes('?') ? '&' : '?')
      + 'lastEventId=' + encodeURIComponent(this.lastId) : this.url;
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => { this.failures = 0; this.onState('live'); };
    source.onerror = () => {
      if (this.closed || this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        this.onState('reconnecting');
        this.failures += 1;
        this.onGiveUp();
        clearTimeout(this.retryTimer);
        const delay = Math.min(30000, 2000 * 2 ** Math.min(this.failures - 1, 4));
        this.retryTimer = setTimeout(() => { if (!this.closed) this.open(); }, delay);
      } else {
        this.onState('reconnecting');
      }
    };
    source.onmessage = (e) => this.deliver(e);
    for (const type of EventStream.TYPES) source.addEventListener(type, (e) => this.deliver(e));
    source.addEventListener('stream-end', () => this.onState('reconnecting'));
  }

  deliver(e) {
    if (e.lastEventId) this.lastId = e.lastEventId;
    let data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    this.onEvent(e.type, data, e.lastEventId);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.source) this.source.close();
    this.source = null;
  }
}

EventStream.TYPES = [
  'task.submitted', 'task.planned', 'task.awaiting-approval', 'task.approved', 'task.rejected', 'task.paused',
  'task.resumed', 'task.completed', 'task.failed', 'task.cancelled', 'subtask.state-changed',
  'agent.started', 'agent.progress', 'agent.heartbeat', 'agent.completed', 'agent.failed', 'agent.escalated',
  'agent.throttled', 'agent.tool-called', 'artifact.published', 'artifact.conflict', 'artifact.resolved', 'agent.message',
];
