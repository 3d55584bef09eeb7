package dev.cohort.context.service;

import dev.cohort.context.model.Provenance;
import dev.cohort.contracts.model.ArtifactKind;

/**
 * Validated merged content for a conflict. {@code kind} and {@code mediaType} default to the conflicting write's;
 * {@code baseVersion} 0 means the merger did not say which version it read. {@code leaseToken} is a merge attempt's,
 * checked against its subtask's fence and never stored; null for a person's merge.
 */
public record MergeCommand(String content, ArtifactKind kind, String mediaType, long baseVersion, Provenance provenance,
                           String leaseToken) {
}
