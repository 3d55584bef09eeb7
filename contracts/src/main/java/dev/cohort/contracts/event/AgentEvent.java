package dev.cohort.contracts.event;

/**
 * Events on {@link dev.cohort.contracts.Topics#AGENT_EVENTS}, about one attempt of one subtask.
 * {@code (subtaskId, attempt, leaseToken)} identify the attempt; results of a stale attempt are rejected.
 */
public sealed interface AgentEvent extends CohortEvent permits AgentStarted, AgentProgress, AgentHeartbeat,
        AgentCompleted, AgentFailed, AgentEscalated, AgentThrottled,
        AgentToolCalled {

    String subtaskId();

    int attempt();
}
