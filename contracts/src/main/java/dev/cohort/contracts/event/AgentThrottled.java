package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import java.time.Instant;

/**
 * A model's provider said it is overloaded (429, or 503 from a full queue) and the attempt waits before calling again:
 * the orchestrator pauses new work for that model on every replica. {@code retryAfterSeconds} is the provider's
 * Retry-After, null when it sent none.
 */
@JsonTypeName("agent.throttled")
public record AgentThrottled(
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
        Long retryAfterSeconds,
        String reason) implements AgentEvent {

    public AgentThrottled {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(role, "role");
        Required.field(model, "model");
        Required.field(failure, "failure");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentThrottled(String taskId,
                          String subtaskId,
                          int attempt,
                          String leaseToken,
                          String agentId,
                          Role role,
                          ModelRef model,
                          FailureKind failure,
                          Long retryAfterSeconds,
                          String reason) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt, leaseToken, agentId,
                role, model, failure, retryAfterSeconds, reason);
    }
}
