package dev.cohort.contracts.event;

import dev.cohort.contracts.Required;
import java.time.Instant;
import java.util.UUID;

/** The envelope every event shares: its checks, written once, and the defaults of a new event's common fields. */
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

    /**
     * Checks the fields every event has and returns its schema version (the current one when absent).
     *
     * @throws IllegalArgumentException naming the first missing field
     */
    static int envelope(String eventId, String taskId, Instant occurredAt, int schemaVersion) {
        Required.field(eventId, "eventId");
        Required.field(taskId, "taskId");
        Required.field(occurredAt, "occurredAt");
        return version(schemaVersion);
    }

    /** Checks the fields that name one attempt of one subtask and the worker that runs it. */
    static void attempt(String subtaskId, int attempt, String leaseToken, String agentId) {
        Required.field(subtaskId, "subtaskId");
        Required.positive(attempt, "attempt");
        Required.field(leaseToken, "leaseToken");
        Required.field(agentId, "agentId");
    }
}
