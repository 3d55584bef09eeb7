package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** A person rejected the plan; the task ends. */
@JsonTypeName("task.rejected")
public record TaskRejected(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String rejectedBy,
        String reason) implements TaskEvent {

    public TaskRejected {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(rejectedBy, "rejectedBy");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskRejected(String taskId, String rejectedBy, String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, rejectedBy, reason);
    }
}
