package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** A person cancelled the task; in-flight work is stopped. */
@JsonTypeName("task.cancelled")
public record TaskCancelled(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String cancelledBy,
        String reason) implements TaskEvent {

    public TaskCancelled {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskCancelled(String taskId, String cancelledBy, String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, cancelledBy, reason);
    }
}
