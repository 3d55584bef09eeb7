package dev.cohort.dashboard.service;

import dev.cohort.dashboard.messaging.KafkaHistoryReader;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Builds one browser's stream: first what it missed (from the in-memory log, or from Kafka when the log no longer
 * reaches back far enough), then the live feed. An event is never sent twice and the id of each event is the exact
 * position to resume from, on any dashboard instance.
 */
@ApplicationScoped
public class EventStreams {

    private final EventHub hub;
    private final KafkaHistoryReader history;

    public EventStreams(EventHub hub, KafkaHistoryReader history) {
        this.hub = hub;
        this.history = history;
    }

    /**
     * @param taskId only this task's events, or null for all
     * @param requested the position to resume from; null starts at the live feed; an empty cursor replays everything
     *               (for one task: everything of that task, starting where its first event was read)
     * @param ready called on any thread when the stream has something to poll; it should have the consumer (the
     *              browser connection's event loop) {@link BrowserStream#poll() poll} it, on the consumer's thread
     */
    public BrowserStream open(String taskId, StreamCursor requested, Runnable ready) {
        StreamCursor after = taskId != null && requested != null && requested.positions().isEmpty()
                ? hub.taskStart(taskId).orElse(requested) : requested;
        EventHub.Registration registration = hub.register(taskId, after, ready);
        BrowserStream stream = registration.stream();
        if (!registration.caughtUp()) {
            Log.infof("A stream%s resumes from %s, before what the in-memory log holds: reading it from Kafka",
                    taskId == null ? "" : " of task " + taskId, after.encode().isEmpty() ? "the beginning" : after);
            StreamCursor from = after.copy();
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                KafkaHistoryReader.History read;
                try {
                    read = history.read(from, registration.head(), taskId);
                } catch (RuntimeException e) {
                    stream.caughtUp(e);
                    return;
                }
                // Too much to catch up in one go: the stream ends after these; the browser resumes from the last.
                stream.caughtUp(read.events(), read.complete());
            });
        }
        return stream;
    }
}
