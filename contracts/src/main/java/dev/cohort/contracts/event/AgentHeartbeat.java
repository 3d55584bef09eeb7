package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
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
        Required.field(eventId, "eventId");
        Required.field(taskId, "taskId");
        Required.field(occurredAt, "occurredAt");
        schemaVersion = Events.version(schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.positive(attempt, "attempt");
        Required.field(leaseToken, "leaseToken");
        Required.field(agentId, "agentId");
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
