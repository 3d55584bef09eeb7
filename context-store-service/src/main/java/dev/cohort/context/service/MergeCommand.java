package dev.cohort.context.service;

import dev.cohort.context.model.Provenance;
import dev.cohort.contracts.model.ArtifactKind;

/**
 * Validated merged content for a conflict. {@code kind} and {@code mediaType} default to the conflicting write's;
 * {@code baseVersion} 0 means the merger did not say which version it read.
 */
public record MergeCommand(String content, ArtifactKind kind, String mediaType, long baseVersion, Provenance provenance) {
}
