package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.PlannedSubtask;
import java.time.Instant;
import java.util.List;

/** The lead's plan passed validation; {@code planAttempt} counts the lead's tries. */
@JsonTypeName("task.planned")
public record TaskPlanned(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        List<PlannedSubtask> subtasks,
        int planAttempt) implements TaskEvent {

    public TaskPlanned {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        subtasks = Required.list(subtasks);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskPlanned(String taskId, List<PlannedSubtask> subtasks, int planAttempt) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtasks, planAttempt);
    }
}
