package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.Failures;
import dev.cohort.contracts.Retrying;
import dev.cohort.contracts.Topics;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A dispatch that a worker could not read is dead-lettered by the worker, and its subtask would otherwise wait for a
 * worker forever: the orchestrator reads the dead-letter topic and fails the subtask's task with a reference to the
 * record. Dead letters of other topics are handled where they were read (the orchestrator's own) or concern one
 * reader only (the dashboard's).
 */
@ApplicationScoped
public class DeadLetterListener {

    public static final String CHANNEL = "dead-letters";

    private final SubtaskRepository subtasks;
    private final OrchestrationService orchestration;
    private final OutboxRelay relay;
    private final OrchestratorConfig config;
    private final RecordApplier records;

    public DeadLetterListener(SubtaskRepository subtasks, OrchestrationService orchestration, OutboxRelay relay,
                              OrchestratorConfig config, RecordApplier records) {
        this.config = config;
        this.records = records;
        this.subtasks = subtasks;
        this.orchestration = orchestration;
        this.relay = relay;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onDeadLetter(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        if (metadata == null) {
            return ack(message);
        }
        Headers headers = metadata.getHeaders();
        String topic = header(headers, Topics.DEAD_LETTER_TOPIC_HEADER);
        if (topic == null || !topic.startsWith(Topics.DISPATCH_PREFIX)) {
            return ack(message);
        }
        String where = topic + ":" + header(headers, Topics.DEAD_LETTER_PARTITION_HEADER) + ":"
                + header(headers, Topics.DEAD_LETTER_OFFSET_HEADER);
        String reason = header(headers, Topics.DEAD_LETTER_REASON_HEADER);
        UUID subtaskId = uuid(metadata.getKey());
        if (subtaskId == null) {
            Log.warnf("Dead-lettered dispatch %s names no subtask (key %s): %s", where, metadata.getKey(), reason);
            return ack(message);
        }
        return Retrying.untilApplied(() -> records.onVertxContext(() -> Panache.withSession(() -> subtasks.findById(subtaskId))
                .flatMap(subtask -> {
                    if (subtask == null) {
                        Log.warnf("Dead-lettered dispatch %s is of unknown subtask %s: %s", where, subtaskId, reason);
                        return Uni.createFrom().voidItem();
                    }
                    Log.warnf("Dispatch %s of subtask '%s' was dead-lettered by a worker: %s", where, label(subtask), reason);
                    return orchestration.failForDeadLetter(subtask.taskId.toString(), where,
                            "the dispatch of subtask '" + label(subtask) + "' could not be read by a worker: " + reason);
                })), "failing the task of dead-lettered dispatch " + where, config.unknownFailureRetries())
                .invoke(relay::kick)
                .onFailure().invoke(e -> Log.errorf("Could not fail the task of dead-lettered dispatch %s: %s", where,
                        Failures.describe(e)))
                .onFailure().recoverWithNull()
                .chain(() -> ack(message));
    }

    private static String label(Subtask subtask) {
        return subtask.planKey == null ? subtask.id.toString() : subtask.planKey;
    }

    private static Uni<Void> ack(Message<String> message) {
        return Uni.createFrom().completionStage(message.ack());
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static UUID uuid(Object key) {
        try {
            return key == null ? null : UUID.fromString(key.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
