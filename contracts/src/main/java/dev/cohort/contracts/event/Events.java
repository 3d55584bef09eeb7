package dev.cohort.contracts.event;

import java.time.Instant;
import java.util.UUID;

/** Defaults for the common fields of a new event. */
public final class Events {

    private Events() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static Instant now() {
        return Instant.now();
    }

    static int version(int schemaVersion) {
        return schemaVersion <= 0 ? CohortEvent.SCHEMA_VERSION : schemaVersion;
    }
}
