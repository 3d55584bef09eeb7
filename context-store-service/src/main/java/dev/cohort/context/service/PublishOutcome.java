package dev.cohort.context.service;

import dev.cohort.context.model.ArtifactConflictEntity;
import dev.cohort.context.model.ArtifactVersionEntity;

/** What a write became: a new version, or a conflict kept for a merge. Both are committed. */
public sealed interface PublishOutcome {

    boolean replayed();

    record Stored(ArtifactVersionEntity version, boolean replayed) implements PublishOutcome {
    }

    record Conflicted(ArtifactConflictEntity conflict, boolean replayed) implements PublishOutcome {
    }
}
