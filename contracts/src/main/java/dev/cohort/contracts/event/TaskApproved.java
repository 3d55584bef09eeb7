package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** A person approved the plan, as proposed or edited. */
@JsonTypeName("task.approved")
public record TaskApproved(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String approvedBy,
        boolean edited) implements TaskEvent {

    public TaskApproved {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(approvedBy, "approvedBy");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskApproved(String taskId, String approvedBy, boolean edited) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, approvedBy, edited);
    }
}
