package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import java.time.Instant;

/** A worker took an attempt and is calling its model. */
@JsonTypeName("agent.started")
public record AgentStarted(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId,
        Role role,
        ModelRef model) implements AgentEvent {

    public AgentStarted {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(role, "role");
        Required.field(model, "model");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentStarted(String taskId,
                         String subtaskId,
                         int attempt,
                         String leaseToken,
                         String agentId,
                         Role role,
                         ModelRef model) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, role, model);
    }
}
