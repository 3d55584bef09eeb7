package dev.cohort.dashboard.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * An event as the dashboard serves it. {@code id} is {@code topic:partition:offset}: durable and the same on
 * every dashboard instance. Browsers resume from a {@link StreamCursor}, which covers every partition at once.
 */
public record StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event,
                            @JsonIgnore String data) {

    /**
     * @param data the frame's data as every browser gets it: the event plus {@code _id}, serialised once here
     *             rather than once per browser
     */
    public StreamedEvent {
    }

    public StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event) {
        this(id, topic, type, taskId, occurredAt, event, frameData(id, event));
    }

    private static String frameData(String id, JsonNode event) {
        if (!(event instanceof ObjectNode object)) {
            return String.valueOf(event);
        }
        ObjectNode data = object.deepCopy();
        data.put("_id", id);
        return data.toString();
    }

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
