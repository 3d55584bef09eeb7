package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.Usage;
import java.time.Instant;

/** An attempt failed; {@code failure} classifies the error for retry and escalation decisions. */
@JsonTypeName("agent.failed")
public record AgentFailed(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId,
        Role role,
        ModelRef model,
        FailureKind failure,
        String reason,
        Usage usage) implements AgentEvent {

    public AgentFailed {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(role, "role");
        Required.field(failure, "failure");
        Required.field(reason, "reason");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentFailed(String taskId,
                        String subtaskId,
                        int attempt,
                        String leaseToken,
                        String agentId,
                        Role role,
                        ModelRef model,
                        FailureKind failure,
                        String reason,
                        Usage usage) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, role, model, failure, reason, usage);
    }
}
