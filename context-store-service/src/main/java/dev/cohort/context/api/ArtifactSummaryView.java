package dev.cohort.context.api;

import dev.cohort.contracts.model.ArtifactKind;
import java.time.Instant;

/** The latest version of one key, without content. */
public record ArtifactSummaryView(
        String key,
        long latestVersion,
        ArtifactKind kind,
        String mediaType,
        boolean tombstone,
        String contentHash,
        long sizeBytes,
        Instant updatedAt) {
}
