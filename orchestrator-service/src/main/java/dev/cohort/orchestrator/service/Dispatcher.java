package dev.cohort.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.UpstreamSummary;
import dev.cohort.orchestrator.domain.Attempt;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Starts a new attempt of a subtask: the next attempt number, a fresh lease token, an attempt row and the dispatch
 * record in the outbox, all in the caller's transaction. Results reported for any earlier attempt are stale from
 * here on.
 */
@ApplicationScoped
public class Dispatcher {

    private final OutboxRepository outbox;
    private final AttemptRepository attempts;
    private final TaskEvents events;

    public Dispatcher(OutboxRepository outbox, AttemptRepository attempts, TaskEvents events) {
        this.outbox = outbox;
        this.attempts = attempts;
        this.events = events;
    }

    public Uni<Void> dispatch(TaskGraph graph, Subtask subtask, String reason) {
        subtask.attempt++;
        subtask.leaseToken = UUID.randomUUID().toString();
        // A queued attempt has no lease yet: it starts when a worker takes the record (agent.started).
        subtask.leaseExpiresAt = null;
        subtask.retryAt = null;
        subtask.status(SubtaskStatus.DISPATCHED);

        Attempt attempt = new Attempt();
        attempt.key = new Attempt.Key(subtask.id, subtask.attempt);
        attempt.leaseToken = subtask.leaseToken;
        attempt.outcome = "dispatched";
        attempt.dispatchedAt = Instant.now();

        SubtaskDispatch dispatch = new SubtaskDispatch(subtask.taskId.toString(), subtask.id.toString(),
                subtask.attempt, subtask.leaseToken, null, subtask.roleValue(), subtask.kindValue(), subtask.title,
                subtask.instructions, graph.task().title, graph.task().description, subtask.readKeys(),
                subtask.writeKeys(), upstream(graph, subtask), null);
        return attempts.persist(attempt)
                .call(() -> outbox.add(Topics.dispatch(subtask.roleValue()), subtask.id.toString(), dispatch))
                .call(() -> events.subtaskChanged(subtask, reason))
                .replaceWithVoid();
    }

    private static List<UpstreamSummary> upstream(TaskGraph graph, Subtask subtask) {
        return graph.dependencies(subtask).stream()
                .filter(dep -> dep.summaryJson != null)
                .map(dep -> new UpstreamSummary(dep.planKey, dep.roleValue(), dep.title, summary(dep),
                        dep.artifactRefs()))
                .toList();
    }

    static StructuredSummary summary(Subtask subtask) {
        try {
            return EventCodec.mapper().readValue(subtask.summaryJson, StructuredSummary.class);
        } catch (JsonProcessingException e) {
            return new StructuredSummary("done", List.of(), null);
        }
    }
}
