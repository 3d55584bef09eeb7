package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.Estimate;
import dev.cohort.contracts.model.PlannedSubtask;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The plan waits for a person, with what it is expected to cost in all and per subtask (by plan id). */
@JsonTypeName("task.awaiting-approval")
public record TaskAwaitingApproval(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        List<PlannedSubtask> subtasks,
        Estimate estimate,
        Map<String, Estimate> subtaskEstimates) implements TaskEvent {

    public TaskAwaitingApproval {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        subtasks = Required.list(subtasks);
        subtaskEstimates = subtaskEstimates == null ? Map.of() : Map.copyOf(subtaskEstimates);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskAwaitingApproval(String taskId,
                                 List<PlannedSubtask> subtasks,
                                 Estimate estimate,
                                 Map<String, Estimate> subtaskEstimates) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtasks, estimate, subtaskEstimates);
    }
}
