package dev.cohort.dashboard.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An event as the dashboard serves it. {@code id} is {@code topic:partition:offset}: durable and the same on
 * every dashboard instance. Browsers resume from a {@link StreamCursor}, which covers every partition at once.
 */
public record StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event,
                            @JsonIgnore byte[] frame) {

    /**
     * @param frame the event's SSE frame after its {@code id:} line (which is each browser's own): {@code event:}
     *              the type, {@code data:} the event plus {@code _id}; serialised and encoded once here for every
     *              browser
     */
    public StreamedEvent {
    }

    public StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event) {
        this(id, topic, type, taskId, occurredAt, event, frame(type, id, event));
    }

    private static byte[] frame(String type, String id, JsonNode event) {
        String data;
        if (event instanceof ObjectNode object) {
            ObjectNode withId = object.deepCopy();
            withId.put("_id", id);
            data = withId.toString();
        } else {
            data = String.valueOf(event);
        }
        StringBuilder frame = new StringBuilder(data.length() + type.length() + 32).append("event: ").append(type)
                .append('\n');
        return dataLines(frame, data).append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One {@code data:} line per line of the text (event JSON is one line; anything else stays readable too). */
    public static StringBuilder dataLines(StringBuilder frame, String text) {
        int from = 0;
        while (true) {
            int newline = text.indexOf('\n', from);
            int end = newline < 0 ? text.length() : newline;
            frame.append("data: ").append(text, from, end > from && text.charAt(end - 1) == '\r' ? end - 1 : end)
                    .append('\n');
            if (newline < 0) {
                return frame;
            }
            from = newline + 1;
        }
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
