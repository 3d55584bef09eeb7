package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.model.Usage;
import java.time.Instant;

/** Every subtask is done and the lead wrote the summary. */
@JsonTypeName("task.completed")
public record TaskCompleted(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String summary,
        Usage usage) implements TaskEvent {

    public TaskCompleted {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskCompleted(String taskId, String summary, Usage usage) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, summary, usage);
    }
}
