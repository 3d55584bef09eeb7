package dev.cohort.worker.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.AgentEvent;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Reports what agents do to {@code cohort.agent-events}, keyed by task so one task's events stay in order. */
@ApplicationScoped
public class AgentEventPublisher {

    public static final String CHANNEL = "agent-events";

    private final MutinyEmitter<String> emitter;

    public AgentEventPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
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

    private static Message<String> message(AgentEvent event) {
        return Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build());
    }
}
