package dev.cohort.context.messaging;

import dev.cohort.context.service.ArtifactRules;
import dev.cohort.context.service.ContextStoreException;
import dev.cohort.context.service.SubtaskFenceService;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskEvent;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Raises subtask fences from the orchestrator's {@code subtask.state-changed} events, so that a new attempt fences
 * the older ones before it writes anything. Other task events are not the store's concern. An unreadable record is
 * dead-lettered with its reason and the stream moves on.
 */
@ApplicationScoped
public class TaskEventListener {

    /** The incoming channel, bound to {@link dev.cohort.contracts.Topics#TASK_EVENTS} in application.properties. */
    public static final String CHANNEL = "task-events";

    /** A database outage is waited out for about a minute before the record is dead-lettered. */
    private static final int DATABASE_RETRIES = 12;

    private final SubtaskFenceService fences;
    private final ArtifactRules rules;

    public TaskEventListener(SubtaskFenceService fences, ArtifactRules rules) {
        this.fences = fences;
        this.rules = rules;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(Message<String> message) {
        SubtaskStateChanged changed;
        try {
            TaskEvent event = EventCodec.decode(message.getPayload(), TaskEvent.class);
            if (!(event instanceof SubtaskStateChanged c) || c.attempt() < 1) {
                return Uni.createFrom().completionStage(message.ack());
            }
            rules.taskId(c.taskId());
            rules.required(c.subtaskId(), "subtaskId", 100);
            changed = c;
        } catch (InvalidEventException | ContextStoreException e) {
            Log.warnf("Dead-lettering unreadable task event %s: %s", where(message), e.getMessage());
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return fences.announce(changed.taskId(), changed.subtaskId(), changed.attempt())
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(DATABASE_RETRIES)
                .onItemOrFailure().transformToUni((rose, failure) -> {
                    if (failure == null) {
                        return Uni.createFrom().completionStage(message.ack());
                    }
                    Log.errorf(failure, "Dead-lettering task event %s: the fence of subtask %s could not be raised",
                            where(message), changed.subtaskId());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }

    private static String where(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + ":" + m.getPartition() + ":" + m.getOffset()).orElse("unknown");
    }
}
