package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** A paused task dispatches again. */
@JsonTypeName("task.resumed")
public record TaskResumed(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String resumedBy) implements TaskEvent {

    public TaskResumed {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskResumed(String taskId, String resumedBy) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, resumedBy);
    }
}
