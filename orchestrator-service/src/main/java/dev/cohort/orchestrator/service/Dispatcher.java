package dev.cohort.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.UpstreamSummary;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Attempt;
import dev.cohort.orchestrator.domain.MessageRecord;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.MessageRepository;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Starts a new attempt of a subtask: the next attempt number, a fresh lease token, an attempt row and the dispatch
 * record in the outbox, all in the caller's transaction. Results reported for any earlier attempt are stale from
 * here on. The dispatch asks for the role's escalation model once the subtask has failed often enough, and carries
 * the messages addressed to its agent.
 */
@ApplicationScoped
public class Dispatcher {

    /** The most messages one dispatch carries, newest kept. */
    static final int INBOX_LIMIT = 20;

    private final OutboxRepository outbox;
    private final AttemptRepository attempts;
    private final MessageRepository messages;
    private final TaskEvents events;
    private final OrchestratorConfig config;
    private final DatabaseClock clock;
    private final WorkloadMetrics metrics;
    private final ModelAdmission admission;

    public Dispatcher(OutboxRepository outbox, AttemptRepository attempts, MessageRepository messages,
                      TaskEvents events, OrchestratorConfig config, DatabaseClock clock, WorkloadMetrics metrics,
                      ModelAdmission admission) {
        this.clock = clock;
        this.metrics = metrics;
        this.admission = admission;
        this.outbox = outbox;
        this.attempts = attempts;
        this.messages = messages;
        this.events = events;
        this.config = config;
    }

    /**
     * Dispatches the subtask's next attempt, or, when its model is at a limit (ModelAdmission), leaves it ready and
     * waiting, to be looked at again by the next sweep.
     */
    public Uni<Void> dispatch(TaskGraph graph, Subtask subtask, String reason) {
        return dispatch(graph, subtask, reason, null);
    }

    /**
     * {@link #dispatch(TaskGraph, Subtask, String)} as one of a run of dispatches in one transaction with nothing else
     * changed between them: their admissions are decided as one {@link ModelAdmission.Round}.
     */
    public Uni<Void> dispatch(TaskGraph graph, Subtask subtask, String reason, ModelAdmission.Round round) {
        boolean escalate = escalates(subtask);
        return admission.admit(subtask, escalate, round).flatMap(decision -> {
            if (decision instanceof ModelAdmission.Decision.Wait wait) {
                return hold(subtask, wait);
            }
            return send(graph, subtask, reason, escalate, ((ModelAdmission.Decision.Admit) decision).model());
        });
    }

    /** Whether the subtask's next attempt (or the one in flight) goes to the role's escalation model. */
    boolean escalates(Subtask subtask) {
        return subtask.failedAttempts >= config.escalateAfter(subtask.roleValue());
    }

    /** Ready, not dispatched: the sweep looks again from {@code wait.until()}; a new reason is announced once. */
    private Uni<Void> hold(Subtask subtask, ModelAdmission.Decision.Wait wait) {
        boolean news = !wait.reason().equals(subtask.waitingFor);
        subtask.status(SubtaskStatus.PENDING);
        subtask.retryAt = wait.until();
        subtask.waitingFor = wait.reason();
        return news ? events.subtaskChanged(subtask, "waiting for " + wait.reason()) : Uni.createFrom().voidItem();
    }

    private Uni<Void> send(TaskGraph graph, Subtask subtask, String reason, boolean escalate, ModelRef model) {
        subtask.attempt++;
        subtask.leaseToken = UUID.randomUUID().toString();
        // A queued attempt has no lease yet, only a deadline by which a worker must start it (agent.started).
        subtask.leaseExpiresAt = clock.now().plus(config.dispatchDeadline());
        subtask.retryAt = null;
        subtask.waitingFor = null;
        subtask.status(SubtaskStatus.DISPATCHED);
        // Counted against the model's limits from now on; the worker's start says where it really runs.
        subtask.provider = model == null ? null : model.provider().id();
        subtask.model = model == null ? null : model.model();

        Attempt attempt = new Attempt();
        attempt.key = new Attempt.Key(subtask.id, subtask.attempt);
        attempt.leaseToken = subtask.leaseToken;
        attempt.outcome = "dispatched";
        attempt.dispatchedAt = Instant.now();
        if (model != null) {
            attempt.provider = model.provider().id();
            attempt.model = model.model();
        }

        String escalationReason = escalate ? subtask.failedAttempts + " failed attempt(s); last: " + subtask.lastFailure
                : null;
        ModelRef requested = subtask.requestedModel == null ? null
                : new ModelRef(Provider.fromId(subtask.requestedProvider), subtask.requestedModel);
        // A task nobody has sent a message in (most) has no inbox to read.
        Uni<List<MessageRecord>> taskMessages = graph.task().messageCount == 0 ? Uni.createFrom().item(List.of())
                : messages.byTask(subtask.taskId);
        return taskMessages.flatMap(all -> {
            SubtaskDispatch dispatch = new SubtaskDispatch(subtask.taskId.toString(), subtask.id.toString(),
                    subtask.attempt, subtask.leaseToken, null, subtask.roleValue(), subtask.kindValue(), subtask.title,
                    subtask.instructions, graph.task().title, graph.task().description, subtask.readKeys(),
                    subtask.writeKeys(), upstream(graph, subtask), requested, escalate, escalationReason,
                    inbox(subtask, all), subtask.conflictId);
            return attempts.persist(attempt)
                    .call(() -> outbox.add(Topics.dispatch(subtask.roleValue()), subtask.id.toString(), dispatch))
                    .call(() -> events.subtaskChanged(subtask, escalate ? reason + "; escalating" : reason))
                    .invoke(() -> metrics.dispatched(subtask.role, escalate));
        }).replaceWithVoid();
    }

    /** Messages to this subtask's role, to the agent that last ran it, to the team, or answers to its questions. */
    static List<AgentMessage> inbox(Subtask subtask, List<MessageRecord> all) {
        List<AgentMessage> mine = all.stream()
                .filter(m -> ParticipantType.TEAM.id().equals(m.toType)
                        || ParticipantType.ROLE.id().equals(m.toType) && subtask.role.equals(m.toId)
                        || ParticipantType.AGENT.id().equals(m.toType) && m.toId.equals(subtask.agentId)
                        || subtask.id.equals(m.subtaskId) && !ParticipantType.AGENT.id().equals(m.fromType))
                .map(MessageRecord::toEvent)
                .toList();
        return mine.size() <= INBOX_LIMIT ? mine : mine.subList(mine.size() - INBOX_LIMIT, mine.size());
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
