package dev.cohort.worker.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.CohortEvent;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reports what agents do to {@code cohort.agent-events}, and the messages agents send while they work through tools
 * to {@code cohort.agent-messages}; both keyed by task so one task's events stay in order.
 */
@ApplicationScoped
public class AgentEventPublisher {

    public static final String CHANNEL = "agent-events";
    public static final String MESSAGES = "agent-messages";

    private final MutinyEmitter<String> emitter;
    private final MutinyEmitter<String> messages;

    public AgentEventPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter,
                               @Channel(MESSAGES) MutinyEmitter<String> messages) {
        this.emitter = emitter;
        this.messages = messages;
    }

    /** Sends an agent's message and waits until the broker has it. */
    public void sendAndWait(AgentMessage message, Duration timeout) {
        messages.sendMessage(message(message)).await().atMost(timeout);
    }

    /** Sends and waits until the broker has the event: results are durable before their dispatch is acknowledged. */
    public void sendAndWait(AgentEvent event, Duration timeout) {
        emitter.sendMessage(message(event)).await().atMost(timeout);
    }

    /** Sends without waiting, for heartbeats and progress, which the next one supersedes. */
    public void send(AgentEvent event) {
        emitter.sendMessage(message(event)).subscribe().with(ok -> {
        }, failure -> Log.debugf("Could not send %s: %s", event.type(), failure.getMessage()));
    }

    /** Keyed by task; its producer span goes under the current work of the task, else under the task's root. */
    private static Message<String> message(CohortEvent event) {
        return Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build())
                .addMetadata(TracingMetadata.withCurrent(TaskTrace.parent(event.taskId())));
    }
}
