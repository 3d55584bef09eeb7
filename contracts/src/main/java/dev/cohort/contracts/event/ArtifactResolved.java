package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/** A conflict was resolved with merged content, stored as a new version. */
@JsonTypeName("artifact.resolved")
public record ArtifactResolved(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String key,
        String conflictId,
        long version,
        String resolvedBy) implements ArtifactEvent {

    public ArtifactResolved {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(key, "key");
        Required.field(conflictId, "conflictId");
        Required.field(resolvedBy, "resolvedBy");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public ArtifactResolved(String taskId,
                             String key,
                             String conflictId,
                             long version,
                             String resolvedBy) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, key, conflictId, version,
                resolvedBy);
    }
}
