package dev.cohort.context.model;

import java.util.Locale;

/** How a version came to be. */
public enum VersionOrigin {
    /** Written by an agent. */
    PUBLISH,
    /** A tombstone written by an agent or a person. */
    DELETE,
    /** The merged content that resolved a conflict. */
    RESOLVE,
    /** Restored or tombstoned by a checkpoint rollback. */
    ROLLBACK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
