package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** The task stopped dispatching work, by request or because its budget ran out. */
@JsonTypeName("task.paused")
public record TaskPaused(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String reason) implements TaskEvent {

    public TaskPaused {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(reason, "reason");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskPaused(String taskId, String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, reason);
    }
}
