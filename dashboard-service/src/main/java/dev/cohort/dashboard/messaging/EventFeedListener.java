package dev.cohort.dashboard.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.dashboard.service.EventLog;
import dev.cohort.dashboard.service.StreamedEvent;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads every event topic. A record that is not a valid event is nacked, which sends it to the dead-letter
 * topic with the reason; the stream moves on.
 */
@ApplicationScoped
public class EventFeedListener {

    public static final String CHANNEL = "events";

    private final EventLog log;

    public EventFeedListener(EventLog log) {
        this.log = log;
    }

    @Incoming(CHANNEL)
    public CompletionStage<Void> onEvent(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        String id = kafka.getTopic() + ":" + kafka.getPartition() + ":" + kafka.getOffset();
        try {
            CohortEvent event = EventCodec.decode(message.getPayload());
            JsonNode tree = EventCodec.mapper().readTree(message.getPayload());
            log.add(new StreamedEvent(id, kafka.getTopic(), event.type(), event.taskId(), event.occurredAt(), tree));
            return message.ack();
        } catch (InvalidEventException | com.fasterxml.jackson.core.JsonProcessingException e) {
            Log.warnf("Dead-lettering record %s: %s", id, e.getMessage());
            return message.nack(new InvalidEventException("record " + id + " is not a Cohort event: " + e.getMessage(), e));
        }
    }
}
