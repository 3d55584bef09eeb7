package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** Progress of a running attempt: its phase and the tokens generated so far. */
@JsonTypeName("agent.progress")
public record AgentProgress(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId,
        String phase,
        long tokens) implements AgentEvent {

    public AgentProgress {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(phase, "phase");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentProgress(String taskId,
                          String subtaskId,
                          int attempt,
                          String leaseToken,
                          String agentId,
                          String phase,
                          long tokens) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, phase, tokens);
    }
}
