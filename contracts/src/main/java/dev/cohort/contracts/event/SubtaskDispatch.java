package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.UpstreamSummary;
import java.time.Instant;
import java.util.List;

/**
 * Work for a role, on {@code cohort.dispatch.<role>}. {@code (subtaskId, attempt, leaseToken)} fence the
 * attempt; {@code model} overrides the role's model (escalation).
 */
@JsonTypeName("subtask.dispatch")
public record SubtaskDispatch(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        Instant leaseExpiresAt,
        Role role,
        SubtaskKind kind,
        String title,
        String instructions,
        String taskTitle,
        String taskDescription,
        List<String> reads,
        List<String> writes,
        List<UpstreamSummary> upstream,
        ModelRef model,
        boolean escalate,
        String escalationReason,
        List<AgentMessage> inbox,
        String conflictId) implements CohortEvent {

    public SubtaskDispatch {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.positive(attempt, "attempt");
        Required.field(leaseToken, "leaseToken");
        Required.field(role, "role");
        Required.field(kind, "kind");
        Required.field(title, "title");
        reads = Required.list(reads);
        writes = Required.list(writes);
        upstream = Required.list(upstream);
        inbox = Required.list(inbox);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public SubtaskDispatch(String taskId,
                            String subtaskId,
                            int attempt,
                            String leaseToken,
                            Instant leaseExpiresAt,
                            Role role,
                            SubtaskKind kind,
                            String title,
                            String instructions,
                            String taskTitle,
                            String taskDescription,
                            List<String> reads,
                            List<String> writes,
                            List<UpstreamSummary> upstream,
                            ModelRef model,
                            boolean escalate,
                            String escalationReason,
                            List<AgentMessage> inbox,
                            String conflictId) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, leaseExpiresAt, role, kind, title, instructions, taskTitle, taskDescription,
                reads, writes, upstream, model, escalate, escalationReason, inbox, conflictId);
    }
}
