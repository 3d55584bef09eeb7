package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** A write based on a stale version was kept as a pending conflict instead of overwriting. */
@JsonTypeName("artifact.conflict")
public record ArtifactConflict(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String key,
        String conflictId,
        long baseVersion,
        long currentVersion,
        String author,
        String subtaskId,
        int attempt) implements ArtifactEvent {

    public ArtifactConflict {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(key, "key");
        Required.field(conflictId, "conflictId");
        Required.field(author, "author");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public ArtifactConflict(String taskId,
                             String key,
                             String conflictId,
                             long baseVersion,
                             long currentVersion,
                             String author,
                             String subtaskId,
                             int attempt) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, key, conflictId, baseVersion,
                currentVersion, author, subtaskId, attempt);
    }
}
