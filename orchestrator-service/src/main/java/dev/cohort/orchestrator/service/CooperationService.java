package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.MessageRecord;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.MessageRepository;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How agents work together beyond the plan: messages (a question to a role that has nothing running gets an
 * answering subtask, and the asker's dependents wait for the answer) and write conflicts (a lead merge subtask,
 * which the subtasks that read the artifact wait for).
 */
@ApplicationScoped
public class CooperationService {

    private final TaskGraphs graphs;
    private final SubtaskFactory factory;
    private final ReadyWork ready;
    private final SubtaskRepository subtasks;
    private final MessageRepository messages;
    private final OutboxRepository outbox;
    private final TaskEvents events;
    private final OrchestratorConfig config;

    public CooperationService(TaskGraphs graphs, SubtaskFactory factory, ReadyWork ready, SubtaskRepository subtasks,
                              MessageRepository messages, OutboxRepository outbox,
                              TaskEvents events, OrchestratorConfig config) {
        this.graphs = graphs;
        this.factory = factory;
        this.ready = ready;
        this.subtasks = subtasks;
        this.messages = messages;
        this.outbox = outbox;
        this.events = events;
        this.config = config;
    }

    /** A message read from the messages topic: stored once; a question may start an answering subtask. */
    public Uni<Void> onMessage(AgentMessage message) {
        UUID taskId = UUID.fromString(message.taskId());
        if (message.from().type() != ParticipantType.AGENT) {
            // Cohort stores what people and roles say before it publishes it; a record it did not store can only
            // come from a worker, which speaks for its agents and no one else.
            return Panache.withSession(() -> messages.findById(UUID.fromString(message.eventId()))).invoke(known -> {
                if (known == null) {
                    Log.warnf("Task %s: ignoring message %s on Kafka that claims to be from %s %s: only agents send "
                            + "messages there", message.taskId(), message.eventId(), message.from().type().id(),
                            message.from().id());
                }
            }).replaceWithVoid();
        }
        return Panache.withTransaction(() -> messages.findById(UUID.fromString(message.eventId())).flatMap(known -> {
            if (known != null) {
                return Uni.createFrom().voidItem(); // sent through the API, or a redelivery
            }
            // Only a worker's agent working through tools sends on Kafka, while its attempt runs.
            return graphs.withRecordGraph(taskId, null, graph -> accept(graph, message, false, true));
        }));
    }

    /** Messages an agent sent with its result: applied before the result, published through the outbox. */
    Uni<Void> fromAgent(TaskGraph graph, Subtask sender, List<AgentMessage> sent) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (AgentMessage m : sent) {
            AgentMessage message = m.subtaskId() == null
                    ? new AgentMessage(m.eventId(), m.taskId(), m.occurredAt(), m.schemaVersion(), m.from(), m.to(),
                            m.kind(), m.text(), sender.id.toString(), m.inReplyTo())
                    : m;
            chain = chain.call(() -> messages.findById(UUID.fromString(message.eventId()))
                    .flatMap(known -> known != null ? Uni.createFrom().voidItem() : accept(graph, message, true)));
        }
        return chain;
    }

    /** A message sent through the API: stored and published in one transaction. */
    public Uni<AgentMessage> send(UUID taskId, AgentMessage message) {
        return Panache.withTransaction(() -> graphs.withGraph(taskId, graph -> accept(graph, message, true)))
                .replaceWith(message);
    }

    Uni<Void> accept(TaskGraph graph, AgentMessage message, boolean publish) {
        return accept(graph, message, publish, false);
    }

    /**
     * Stores a message (and publishes it when it did not come from Kafka); a question to a role may add an answering
     * subtask. {@code askerWaits}: the asking agent is still at work and waits for the answer (a tool loop's ask).
     */
    private Uni<Void> accept(TaskGraph graph, AgentMessage message, boolean publish, boolean askerWaits) {
        UUID asker = parse(message.subtaskId());
        Uni<Long> sent = asker != null && message.from().type() == ParticipantType.AGENT
                ? messages.countFromSubtask(asker) : Uni.createFrom().item(0L);
        return sent.flatMap(count -> {
            if (count >= config.maxMessagesPerSubtask()) {
                Log.warnf("Task %s: dropping a message from subtask %s, which already sent %d (the limit)",
                        message.taskId(), asker, count);
                return Uni.createFrom().voidItem();
            }
            AgentMessage bounded = bounded(message);
            Uni<Void> stored = store(graph, bounded);
            if (publish) {
                stored = stored.call(() -> outbox.add(Topics.AGENT_MESSAGES, bounded.taskId(), bounded));
            }
            return stored.call(() -> maybeAnswer(graph, bounded, askerWaits));
        });
    }

    /** An agent's message longer than the limit is cut there: it goes into other agents' prompts and onto Kafka. */
    private AgentMessage bounded(AgentMessage m) {
        int limit = config.maxMessageLength();
        if (m.text().length() <= limit) {
            return m;
        }
        String cut = m.text().substring(0, limit - 20) + " … (cut at " + limit + ")";
        return new AgentMessage(m.eventId(), m.taskId(), m.occurredAt(), m.schemaVersion(), m.from(), m.to(), m.kind(),
                cut, m.subtaskId(), m.inReplyTo());
    }

    private Uni<Void> maybeAnswer(TaskGraph graph, AgentMessage message, boolean askerWaits) {
        if (message.kind() != MessageKind.QUESTION || message.to().type() != ParticipantType.ROLE
                || graph.task().finished()) {
            return Uni.createFrom().voidItem();
        }
        Role role = Role.fromId(message.to().id());
        Subtask askerSubtask = parse(message.subtaskId()) == null ? null
                : graph.byId(parse(message.subtaskId())).orElse(null);
        // An agent that asks while it works (a tool loop's ask) waits for the answer now: a later prompt of the
        // role would see the question but not send an answer back, so it gets an answering subtask whatever runs.
        boolean askerWaiting = askerWaits && askerSubtask != null && askerSubtask.inFlight();
        boolean someoneWillSeeIt = graph.subtasks().stream()
                .anyMatch(s -> s.roleValue() == role && (s.inFlight() || s.statusValue() == SubtaskStatus.PENDING));
        if (someoneWillSeeIt && !askerWaiting) {
            return Uni.createFrom().voidItem(); // it reaches that agent's next prompt through its inbox
        }
        String key = uniqueKey(graph, "answer-" + role.id());
        Subtask answer = factory.newSubtask(graph.task(), key, role, SubtaskKind.ANSWER,
                "Answer " + message.from().id() + "'s question",
                "Answer this question from " + message.from().id() + " (" + message.from().type().id() + "):\n\n"
                        + message.text(), List.of());
        answer.questionId = UUID.fromString(message.eventId());
        graph.add(answer);
        List<Subtask> waiting = new ArrayList<>();
        if (askerSubtask != null) {
            for (Subtask dependent : graph.dependents(askerSubtask)) {
                if (dependent.statusValue() == SubtaskStatus.PENDING && dependent.dependsOnKeys().contains(askerSubtask.planKey)) {
                    List<String> deps = new ArrayList<>(dependent.dependsOnKeys());
                    deps.add(key);
                    dependent.dependsOnKeys(deps);
                    waiting.add(dependent);
                }
            }
        }
        Log.infof("Task %s: %s asked %s, %s; added subtask '%s'%s", message.taskId(),
                message.from().id(), role.id(), someoneWillSeeIt ? "and waits for the answer" : "which has nothing running",
                key, waiting.isEmpty() ? "" : ", which "
                        + waiting.stream().map(s -> s.planKey).toList() + " now wait for");
        return subtasks.persist(answer).replaceWithVoid()
                .call(() -> events.subtaskChanged(answer, "question from " + message.from().id()))
                .call(() -> ready.dispatchReady(graph));
    }

    /** The answering subtask finished: its answer goes back to the asker as a message. */
    Uni<Void> answered(TaskGraph graph, Subtask subtask, AgentCompleted done) {
        if (subtask.questionId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.findById(subtask.questionId).flatMap(question -> {
            if (question == null) {
                return Uni.createFrom().voidItem();
            }
            String text = done.output() != null && !done.output().isBlank() ? done.output()
                    : String.join("\n", done.summary().keyPoints());
            AgentMessage answer = new AgentMessage(subtask.taskId.toString(), Participant.role(subtask.roleValue()),
                    new Participant(ParticipantType.fromId(question.fromType), question.fromId), MessageKind.ANSWER,
                    text, question.subtaskId == null ? null : question.subtaskId.toString(), question.id.toString());
            return store(graph, answer)
                    .call(() -> outbox.add(Topics.AGENT_MESSAGES, answer.taskId(), answer))
                    .replaceWithVoid();
        });
    }

    /** Stores a message of the task, counted on the task (a dispatch reads the messages only when there are some). */
    private Uni<Void> store(TaskGraph graph, AgentMessage message) {
        graph.task().messageCount++;
        return messages.persist(MessageRecord.of(message)).replaceWithVoid();
    }

    /** Two agents wrote one artifact from the same base: the lead merges, and readers of the artifact wait. */
    public Uni<Void> onConflict(ArtifactConflict conflict) {
        UUID taskId = UUID.fromString(conflict.taskId());
        return Panache.withTransaction(() -> graphs.withRecordGraph(taskId, conflict.eventId(),
                graph -> merge(graph, new ConflictRef(conflict.key(), conflict.conflictId(), conflict.baseVersion(),
                        conflict.currentVersion())).call(() -> ready.dispatchReady(graph))));
    }

    /**
     * The conflicts a completing attempt's writes caused: their merges are added before the completion makes
     * anything ready, so no reader of a conflicted artifact runs before its merge, whichever of the completion and
     * the store's {@code artifact.conflict} is read first. The caller dispatches what became ready.
     */
    Uni<Void> fromAgent(TaskGraph graph, List<ConflictRef> conflicts) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ConflictRef conflict : conflicts) {
            chain = chain.call(() -> merge(graph, conflict));
        }
        return chain;
    }

    /** Adds the lead's merge of a conflict, once per conflict id; pending readers of the artifact wait for it. */
    private Uni<Void> merge(TaskGraph graph, ConflictRef conflict) {
        TaskStatus status = graph.task().statusValue();
        if (graph.task().finished() || status == TaskStatus.PLANNING) {
            return Uni.createFrom().voidItem();
        }
        if (graph.subtasks().stream().anyMatch(s -> conflict.conflictId().equals(s.conflictId))) {
            return Uni.createFrom().voidItem(); // announced twice: by the writer's completion and by the store
        }
        String key = uniqueKey(graph, "merge");
        Subtask merge = factory.newSubtask(graph.task(), key, Role.LEAD, SubtaskKind.MERGE,
                "Merge conflicting changes to " + conflict.key(),
                "Two agents changed '" + conflict.key() + "' starting from the same version " + conflict.baseVersion()
                        + ". Merge both changes (three-way: the base, the current version and the conflicting one) so "
                        + "that nothing either of them wrote is lost.", List.of());
        merge.conflictId = conflict.conflictId();
        merge.artifactKey = conflict.key();
        merge.readKeys(List.of(conflict.key()));
        merge.writeKeys(List.of(conflict.key()));
        graph.add(merge);
        for (Subtask reader : graph.subtasks()) {
            if (reader != merge && reader.statusValue() == SubtaskStatus.PENDING && reader.readKeys().contains(conflict.key())) {
                List<String> deps = new ArrayList<>(reader.dependsOnKeys());
                deps.add(key);
                reader.dependsOnKeys(deps);
            }
        }
        Log.infof("Task %s: conflict %s on %s; the lead merges it in subtask '%s'", graph.task().id,
                conflict.conflictId(), conflict.key(), key);
        return subtasks.persist(merge).replaceWithVoid()
                .call(() -> events.subtaskChanged(merge, "conflict on " + conflict.key()));
    }

    static String uniqueKey(TaskGraph graph, String prefix) {
        for (int i = 1; ; i++) {
            String key = prefix + "-" + i;
            if (graph.byKey(key).isEmpty()) {
                return key;
            }
        }
    }

    private static UUID parse(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
