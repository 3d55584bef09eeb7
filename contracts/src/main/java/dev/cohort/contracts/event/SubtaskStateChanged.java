package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import java.time.Instant;

/** One node of the task's graph moved to a new state. */
@JsonTypeName("subtask.state-changed")
public record SubtaskStateChanged(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        Role role,
        String title,
        SubtaskStatus status,
        int attempt,
        String reason) implements TaskEvent {

    public SubtaskStateChanged {
        Required.field(eventId, "eventId");
        Required.field(taskId, "taskId");
        Required.field(occurredAt, "occurredAt");
        schemaVersion = Events.version(schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.field(role, "role");
        Required.field(status, "status");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public SubtaskStateChanged(String taskId,
                                String subtaskId,
                                Role role,
                                String title,
                                SubtaskStatus status,
                                int attempt,
                                String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, role, title,
                status, attempt, reason);
    }
}
