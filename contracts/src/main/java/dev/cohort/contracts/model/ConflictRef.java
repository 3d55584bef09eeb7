package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;

/**
 * A write that the context store kept as a pending conflict instead of a new version: the attempt wrote {@code key}
 * from {@code baseVersion} while the artifact was already at {@code currentVersion}. The same conflict is also
 * announced as {@code artifact.conflict}; either one, whichever is read first, starts the lead's merge.
 */
public record ConflictRef(String key, String conflictId, long baseVersion, long currentVersion) {
    public ConflictRef {
        Required.field(key, "key");
        Required.field(conflictId, "conflictId");
    }
}
