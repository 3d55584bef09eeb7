package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * One node of the task's graph moved to a new state. When an attempt is {@code dispatched} the event also carries
 * the fence the context store holds its writes to: the SHA-256 of the attempt's lease token (see
 * {@link dev.cohort.contracts.Fence}), never the token itself, which only the dispatch record carries, and the keys
 * (or key prefixes ending in {@code /}) the attempt may write.
 */
@JsonTypeName("subtask.state-changed")
public record SubtaskStateChanged(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        Role role,
        String title,
        SubtaskStatus status,
        int attempt,
        String reason,
        String leaseTokenHash,
        List<String> writes) implements TaskEvent {

    public SubtaskStateChanged {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.field(role, "role");
        Required.field(status, "status");
        writes = writes == null ? null : List.copyOf(writes);
    }

    /** A new event with a fresh id, the current time and the current schema version; no fence. */
    public SubtaskStateChanged(String taskId,
                                String subtaskId,
                                Role role,
                                String title,
                                SubtaskStatus status,
                                int attempt,
                                String reason) {
        this(taskId, subtaskId, role, title, status, attempt, reason, null, null);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public SubtaskStateChanged(String taskId,
                                String subtaskId,
                                Role role,
                                String title,
                                SubtaskStatus status,
                                int attempt,
                                String reason,
                                String leaseTokenHash,
                                List<String> writes) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, role, title,
                status, attempt, reason, leaseTokenHash, writes);
    }
}
