package dev.cohort.dashboard.service;

import java.nio.charset.StandardCharsets;

/** What a browser stream carries before it becomes an SSE frame. */
public sealed interface StreamItem {

    /**
     * An event, with the stream position just after it: the SSE id a browser resumes from.
     *
     * @param frame the whole SSE frame: the {@code id:} line, then the event's own {@link StreamedEvent#frame()}
     * @param live   when the event was handed to the browsers as it was read ({@link System#nanoTime()}), or 0 for
     *               an event a stream catches up on
     */
    record Event(String cursor, StreamedEvent event, byte[] frame, long live) implements StreamItem {

        /** An event a stream catches up on. */
        public Event(String cursor, StreamedEvent event) {
            this(cursor, event, frame(cursor, event), 0);
        }

        /** A live event, handed to the browsers at {@code live} ({@link System#nanoTime()}). */
        public Event(String cursor, StreamedEvent event, long live) {
            this(cursor, event, frame(cursor, event), live);
        }

        private static byte[] frame(String cursor, StreamedEvent event) {
            byte[] id = ("id: " + cursor + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] rest = event.frame();
            byte[] frame = new byte[id.length + rest.length];
            System.arraycopy(id, 0, frame, 0, id.length);
            System.arraycopy(rest, 0, frame, id.length, rest.length);
            return frame;
        }
    }

    /** A comment that keeps proxies and the browser from closing an idle connection. */
    record KeepAlive() implements StreamItem {
    }

    /**
     * The stream ends here, e.g. because the browser read too slowly; it reconnects with the id of the last event
     * it got and continues from there without a gap.
     */
    record End(String reason) implements StreamItem {
    }

    StreamItem KEEP_ALIVE = new KeepAlive();
}
