package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;

/** A version of an artifact in the context store. */
public record ArtifactRef(String key, long version, ArtifactKind kind) {
    public ArtifactRef {
        Required.field(key, "key");
        Required.field(kind, "kind");
    }
}
