package dev.cohort.context.api;

import java.time.Instant;
import java.util.List;

/** A checkpoint and the version of each key it names. */
public record CheckpointView(
        String taskId,
        String name,
        String description,
        String createdBy,
        Instant createdAt,
        long eventSeq,
        List<Entry> entries) {

    public record Entry(String key, long version) {
    }
}
