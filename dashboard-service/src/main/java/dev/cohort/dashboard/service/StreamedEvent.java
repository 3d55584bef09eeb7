package dev.cohort.dashboard.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An event as the dashboard serves it. {@code id} is {@code topic:partition:offset}: durable and the same on
 * every dashboard instance. Browsers resume from a {@link StreamCursor}, which covers every partition at once.
 */
public record StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event) {

    public static StreamedEvent of(String topic, int partition, long offset, String type, String taskId,
                                   Instant occurredAt, JsonNode event) {
        return new StreamedEvent(topic + ":" + partition + ":" + offset, topic, type, taskId, occurredAt, event);
    }

    @JsonIgnore
    public int partition() {
        String rest = id.substring(topic.length() + 1);
        return Integer.parseInt(rest.substring(0, rest.indexOf(':')));
    }

    @JsonIgnore
    public long offset() {
        return Long.parseLong(id.substring(id.lastIndexOf(':') + 1));
    }
}
