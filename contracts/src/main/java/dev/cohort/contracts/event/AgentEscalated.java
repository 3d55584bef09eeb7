package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import java.time.Instant;

/** The next attempt of a subtask runs on a stronger model. */
@JsonTypeName("agent.escalated")
public record AgentEscalated(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        Role role,
        ModelRef from,
        ModelRef to,
        String reason) implements AgentEvent {

    public AgentEscalated {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.positive(attempt, "attempt");
        Required.field(role, "role");
        Required.field(from, "from");
        Required.field(to, "to");
        Required.field(reason, "reason");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentEscalated(String taskId,
                           String subtaskId,
                           int attempt,
                           Role role,
                           ModelRef from,
                           ModelRef to,
                           String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt, role,
                from, to, reason);
    }
}
