package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** The attempt is alive; renews its lease. */
@JsonTypeName("agent.heartbeat")
public record AgentHeartbeat(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId) implements AgentEvent {

    public AgentHeartbeat {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentHeartbeat(String taskId,
                           String subtaskId,
                           int attempt,
                           String leaseToken,
                           String agentId) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId);
    }
}
