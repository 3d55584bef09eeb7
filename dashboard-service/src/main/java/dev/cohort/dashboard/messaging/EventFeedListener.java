package dev.cohort.dashboard.messaging;

import dev.cohort.contracts.InvalidEventException;
import dev.cohort.dashboard.service.EventHub;
import dev.cohort.dashboard.service.StreamedEvent;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads every event topic, a poll at a time: the events of one poll go to the hub together, so that browsers get
 * them in one write. A record that is not a valid event, or that fails in any other way, is skipped with a log line
 * and the stream moves on. The dashboard only reads: dead-lettering a bad record is for the services that own its
 * topic (the orchestrator, the context store), not for each dashboard instance again.
 */
@ApplicationScoped
public class EventFeedListener {

    public static final String CHANNEL = "events";

    private final EventHub hub;

    public EventFeedListener(EventHub hub) {
        this.hub = hub;
    }

    @Incoming(CHANNEL)
    public CompletionStage<Void> onEvents(KafkaRecordBatch<String, String> poll) {
        List<StreamedEvent> events = new ArrayList<>();
        for (Message<String> message : poll.getRecords()) {
            IncomingKafkaRecordMetadata<?, ?> kafka =
                    message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
            try {
                events.add(EventRecords.decode(kafka.getTopic(), kafka.getPartition(), kafka.getOffset(),
                        message.getPayload()));
                continue;
            } catch (InvalidEventException e) {
                Log.warnf("Skipping record %s: it is not a Cohort event (%s)", where(kafka), e.getMessage());
            } catch (RuntimeException e) {
                // Nothing here waits on another service; whatever else goes wrong with one record must not stop the feed.
                Log.errorf(e, "Skipping record %s: it could not be shown", where(kafka));
            }
            // The events before it, then the position moves past it: the reading order stays whole.
            publish(events);
            hub.skip(kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
        }
        publish(events);
        return poll.ack();
    }

    private void publish(List<StreamedEvent> events) {
        try {
            hub.publish(events);
        } catch (RuntimeException e) {
            Log.errorf(e, "Skipping %d events: they could not be shown", events.size());
            events.forEach(event -> hub.skip(event.topic(), event.partition(), event.offset()));
        }
        events.clear();
    }

    private static String where(IncomingKafkaRecordMetadata<?, ?> kafka) {
        return kafka.getTopic() + ":" + kafka.getPartition() + ":" + kafka.getOffset();
    }
}
