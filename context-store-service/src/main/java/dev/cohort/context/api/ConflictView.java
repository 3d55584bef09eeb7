package dev.cohort.context.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import java.time.Instant;
import java.util.UUID;

/**
 * A pending or resolved conflict. {@code content} is the conflicting write ("theirs"); a single conflict also
 * carries {@code baseContent} and {@code currentContent}, the three inputs of a three-way merge.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConflictView(
        UUID conflictId,
        String taskId,
        String key,
        long baseVersion,
        long currentVersion,
        String status,
        ArtifactKind kind,
        String mediaType,
        String content,
        String contentHash,
        boolean tombstone,
        Author author,
        Provider provider,
        String model,
        String subtaskId,
        Integer attempt,
        Instant createdAt,
        Long resolvedVersion,
        String resolvedBy,
        Instant resolvedAt,
        String baseContent,
        String currentContent,
        Boolean replayed) {
}
