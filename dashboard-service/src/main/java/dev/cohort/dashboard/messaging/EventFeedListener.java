package dev.cohort.dashboard.messaging;

import dev.cohort.contracts.InvalidEventException;
import dev.cohort.dashboard.service.EventHub;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads every event topic. A record that is not a valid event, or that fails in any other way, is skipped with a log
 * line and the stream moves on. The dashboard only reads: dead-lettering a bad record is for the services that own
 * its topic (the orchestrator, the context store), not for each dashboard instance again.
 */
@ApplicationScoped
public class EventFeedListener {

    public static final String CHANNEL = "events";

    private final EventHub hub;

    public EventFeedListener(EventHub hub) {
        this.hub = hub;
    }

    @Incoming(CHANNEL)
    public CompletionStage<Void> onEvent(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        String id = kafka.getTopic() + ":" + kafka.getPartition() + ":" + kafka.getOffset();
        try {
            hub.publish(EventRecords.decode(kafka.getTopic(), kafka.getPartition(), kafka.getOffset(),
                    message.getPayload()));
            return message.ack();
        } catch (InvalidEventException e) {
            Log.warnf("Skipping record %s: it is not a Cohort event (%s)", id, e.getMessage());
            hub.skip(kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
            return message.ack();
        } catch (RuntimeException e) {
            // Nothing here waits on another service; whatever else goes wrong with one record must not stop the feed.
            Log.errorf(e, "Skipping record %s: it could not be shown", id);
            hub.skip(kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
            return message.ack();
        }
    }
}
