package dev.cohort.context.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import java.time.Instant;
import java.util.UUID;

/** One version of an artifact; {@code content} is left out of histories and absent for a tombstone. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactVersionView(
        String taskId,
        String key,
        long version,
        ArtifactKind kind,
        String mediaType,
        String content,
        String contentHash,
        long sizeBytes,
        boolean tombstone,
        String origin,
        Author author,
        Provider provider,
        String model,
        String subtaskId,
        Integer attempt,
        UUID conflictId,
        Instant createdAt,
        /** True when this answered a retry of a write that was already stored. */
        Boolean replayed) {
}
