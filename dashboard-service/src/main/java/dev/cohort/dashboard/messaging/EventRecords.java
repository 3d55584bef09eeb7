package dev.cohort.dashboard.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.dashboard.service.LeaseTokens;
import dev.cohort.dashboard.service.StreamedEvent;

/**
 * Turns a Kafka record into the event the dashboard serves, the same way for the live feed and for catching up.
 * Lease tokens are removed here, so no stream, log or answer of the dashboard holds one.
 */
public final class EventRecords {

    private EventRecords() {
    }

    /** @throws InvalidEventException when the record is not a Cohort event */
    public static StreamedEvent decode(String topic, int partition, long offset, String payload) {
        CohortEvent event = EventCodec.decode(payload);
        JsonNode tree;
        try {
            tree = EventCodec.mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        LeaseTokens.strip(tree);
        return StreamedEvent.of(topic, partition, offset, event.type(), event.taskId(), event.occurredAt(), tree);
    }
}
