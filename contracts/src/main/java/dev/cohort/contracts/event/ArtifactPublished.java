package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ArtifactKind;
import java.time.Instant;

/** A new version of an artifact is stored (a tombstone when it was deleted). */
@JsonTypeName("artifact.published")
public record ArtifactPublished(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String key,
        long version,
        ArtifactKind kind,
        String contentHash,
        long sizeBytes,
        boolean tombstone,
        String author,
        String subtaskId,
        int attempt) implements ArtifactEvent {

    public ArtifactPublished {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(key, "key");
        Required.field(kind, "kind");
        Required.field(author, "author");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public ArtifactPublished(String taskId,
                              String key,
                              long version,
                              ArtifactKind kind,
                              String contentHash,
                              long sizeBytes,
                              boolean tombstone,
                              String author,
                              String subtaskId,
                              int attempt) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, key, version, kind,
                contentHash, sizeBytes, tombstone, author, subtaskId, attempt);
    }
}
