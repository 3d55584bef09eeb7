package dev.cohort.context.api;

import java.util.List;

/** What a rollback changed: every change is a new version, nothing is removed. */
public record RollbackView(
        String taskId,
        String checkpoint,
        List<Change> restored,
        List<Change> tombstoned,
        List<String> unchanged) {

    /** {@code version} is the new version; {@code fromVersion} the checkpoint's version it restores (0 for a tombstone). */
    public record Change(String key, long version, long fromVersion) {
    }
}
