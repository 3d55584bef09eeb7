package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** The task cannot finish; {@code reason} says why, {@code deadLetter} points at a poison record if one caused it. */
@JsonTypeName("task.failed")
public record TaskFailed(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String reason,
        String deadLetter) implements TaskEvent {

    public TaskFailed {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(reason, "reason");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskFailed(String taskId, String reason, String deadLetter) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, reason, deadLetter);
    }
}
