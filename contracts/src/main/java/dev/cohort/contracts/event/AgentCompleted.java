package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.Usage;
import dev.cohort.contracts.model.Verification;
import java.time.Instant;
import java.util.List;

/**
 * An attempt finished: its summary, the artifact versions it wrote, usage, structured output where the subtask
 * asked for it, the messages its agent sends, and the writes the context store kept as conflicts. The orchestrator
 * applies messages and conflicts before the result, so a question is never overtaken by the completion it came
 * with, and a reader of a conflicted artifact is never dispatched before the merge it must wait for (the store's
 * {@code artifact.conflict} travels on another topic and may be read later). Records without {@code conflicts}
 * (older workers) read as having none. {@code verification} is the last check the agent ran on the team's work in
 * the sandbox, null when it ran none.
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
        List<AgentMessage> messages,
        List<ConflictRef> conflicts,
        Verification verification) implements AgentEvent {

    public AgentCompleted {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(role, "role");
        Required.field(model, "model");
        Required.field(summary, "summary");
        artifacts = Required.list(artifacts);
        messages = Required.list(messages);
        conflicts = Required.list(conflicts);
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
        this(taskId, subtaskId, attempt, leaseToken, agentId, role, model, summary, artifacts, usage, output, messages,
                List.of());
    }

    /** As above, with the writes that were kept as conflicts. */
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
                           List<AgentMessage> messages,
                           List<ConflictRef> conflicts) {
        this(taskId, subtaskId, attempt, leaseToken, agentId, role, model, summary, artifacts, usage, output, messages,
                conflicts, null);
    }

    /** As above, with the check the agent ran on the team's work. */
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
                           List<AgentMessage> messages,
                           List<ConflictRef> conflicts,
                           Verification verification) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, role, model, summary, artifacts, usage, output, messages, conflicts, verification);
    }
}
