package dev.cohort.dashboard.service;

/** What a browser stream carries before it becomes an SSE frame. */
public sealed interface StreamItem {

    /** An event, with the stream position just after it: the SSE id a browser resumes from. */
    record Event(String cursor, StreamedEvent event) implements StreamItem {
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
