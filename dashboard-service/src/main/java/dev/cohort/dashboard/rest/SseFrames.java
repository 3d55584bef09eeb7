package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.dashboard.service.DashboardException;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamItem;
import dev.cohort.dashboard.service.StreamLimiter;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * Turns a browser stream into SSE frames. Each event's name is the event type, its data the event as on Kafka plus
 * where it was read ({@code _id} = topic:partition:offset), and its SSE id the stream position after it.
 */
@ApplicationScoped
public class SseFrames {

    private final long reconnectMillis;

    public SseFrames(DashboardConfig config) {
        this.reconnectMillis = config.reconnectDelay().toMillis();
    }

    /** The stream position from Last-Event-ID (or its query-parameter twin), else {@code otherwise}. */
    static StreamCursor cursor(String header, String query, StreamCursor otherwise) {
        String text = header != null && !header.isBlank() ? header : query;
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return StreamCursor.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DashboardException(400, "Last-Event-ID is not a position of this stream", e.getMessage());
        }
    }

    /** The stream's frames; {@code permit} is released when the stream ends, however it ends. */
    Multi<OutboundSseEvent> frames(Multi<StreamItem> items, Sse sse, StreamLimiter.Permit permit) {
        // A first comment sends the response headers at once, so the browser knows it is connected.
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(StreamItem.KEEP_ALIVE), items)
                .map(item -> frame(item, sse))
                .onTermination().invoke(permit::release);
    }

    private OutboundSseEvent frame(StreamItem item, Sse sse) {
        if (item instanceof StreamItem.Event e) {
            return sse.newEventBuilder()
                    .id(e.cursor())
                    .name(e.event().type())
                    .reconnectDelay(reconnectMillis)
                    // the data is JSON text already; text/plain writes it as is
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, e.event().data())
                    .build();
        }
        if (item instanceof StreamItem.End end) {
            return sse.newEventBuilder()
                    .name("stream-end")
                    .reconnectDelay(reconnectMillis)
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, "{\"reason\":\"" + end.reason().replace("\"", "'") + "\"}")
                    .build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }
}
