// The checks agents ran on the team's work (a test command and how it went), as the state holds them. Pure.

export function checkText(c) {
  if (c.passed) return 'tests passed';
  return c.timedOut ? 'tests failed (timed out)' : `tests failed (exit ${c.exitCode})`;
}

// A subtask's check: the one of its latest attempt that ran one, else the orchestrator's record of it.
export function checkOf(s, n) {
  let best = null;
  for (const a of s.agents.values()) {
    if (!a.verification || !(a.key === n.key || (n.id && a.subtaskId === n.id))) continue;
    if (!best || a.attempt > best.attempt || (a.attempt === best.attempt && a.verification.seq > best.verification.seq)) best = a;
  }
  return best ? best.verification : n.check;
}

// The last check an agent ran on the team's work, whichever subtask ran it: from the events, else from the
// orchestrator's record of its subtasks (a task whose events are gone). {check, subtask}, or null.
export function lastCheck(s) {
  const c = s.verification;
  if (c) {
    const a = s.agents.get(c.agent);
    return { check: c, subtask: a ? `${a.key || a.subtaskId}${a.attempt > 1 ? ' #' + a.attempt : ''}` : '' };
  }
  const n = [...s.nodes.values()].filter((x) => x.check).sort((x, y) => y.check.at - x.check.at)[0];
  return n ? { check: n.check, subtask: n.key } : null;
}
