package dev.cohort.context.service;

import dev.cohort.context.model.ArtifactContent;
import dev.cohort.context.model.Provenance;

/**
 * A validated publish, or a delete when {@code body} is null (the tombstone keeps the artifact's kind and media type).
 * {@code leaseToken} is the worker's proof that it runs the attempt it names, checked against the subtask's fence and
 * never stored; null for a person's write.
 */
public record WriteCommand(String taskId, String key, ArtifactContent body, long baseVersion, Provenance provenance,
                           String leaseToken) {

    public boolean delete() {
        return body == null;
    }

    /** The hash a retry must repeat; null for a delete. */
    public String contentHash() {
        return body == null ? null : body.contentHash();
    }
}
