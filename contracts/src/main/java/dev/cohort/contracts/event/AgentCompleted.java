package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.Usage;
import java.time.Instant;
import java.util.List;

/**
 * An attempt finished: its summary, the artifact versions it wrote, usage, structured output where the subtask
 * asked for it, and the messages its agent sends. The orchestrator applies and publishes those messages with the
 * result, so a question is never overtaken by the completion it came with.
 */
@JsonTypeName("agent.completed")
public record AgentCompleted(
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
        StructuredSummary summary,
        List<ArtifactRef> artifacts,
        Usage usage,
        String output,
        List<AgentMessage> messages) implements AgentEvent {

    public AgentCompleted {
        Required.field(eventId, "eventId");
        Required.field(taskId, "taskId");
        Required.field(occurredAt, "occurredAt");
        schemaVersion = Events.version(schemaVersion);
        Required.field(subtaskId, "subtaskId");
        Required.positive(attempt, "attempt");
        Required.field(leaseToken, "leaseToken");
        Required.field(agentId, "agentId");
        Required.field(role, "role");
        Required.field(model, "model");
        Required.field(summary, "summary");
        artifacts = Required.list(artifacts);
        messages = Required.list(messages);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentCompleted(String taskId,
                           String subtaskId,
                           int attempt,
                           String leaseToken,
                           String agentId,
                           Role role,
                           ModelRef model,
                           StructuredSummary summary,
                           List<ArtifactRef> artifacts,
                           Usage usage,
                           String output,
                           List<AgentMessage> messages) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, role, model, summary, artifacts, usage, output, messages);
    }
}
