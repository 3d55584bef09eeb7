package dev.cohort.dashboard.service;

import dev.cohort.dashboard.messaging.KafkaHistoryReader;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Builds one browser's stream: first what it missed (from the in-memory log, or from Kafka when the log no longer
 * reaches back far enough), then the live feed. Every event is checked against the stream's own cursor, so an event
 * is never sent twice and the id of each event is the exact position to resume from, on any dashboard instance.
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
     */
    public Multi<StreamItem> open(String taskId, StreamCursor requested) {
        return open(taskId, requested, null);
    }

    /**
     * Like {@link #open(String, StreamCursor)}, with the live feed handed over on {@code executor} (the browser
     * connection's event loop): the hub only queues each event for each browser, and each connection's own thread
     * turns it into a frame, so one event's fan-out to many browsers is spread over the event loops instead of
     * running browser after browser on the thread that reads Kafka. Null delivers on the reading thread.
     */
    public Multi<StreamItem> open(String taskId, StreamCursor requested, Executor executor) {
        return Multi.createFrom().deferred(() -> {
            StreamCursor after = taskId != null && requested != null && requested.positions().isEmpty()
                    ? hub.taskStart(taskId).orElse(requested) : requested;
            EventHub.Registration registration = hub.register(taskId, after, executor);
            StreamCursor cursor = after == null ? registration.head() : after.copy();
            Multi<Object> live = registration.subscriber().items();
            Multi<Object> items;
            Optional<List<StreamedEvent>> fromLog = registration.fromLog();
            if (fromLog.isPresent()) {
                items = Multi.createBy().concatenating()
                        .streams(Multi.createFrom().iterable(List.<Object>copyOf(fromLog.get())), live);
            } else {
                Log.infof("A stream%s resumes from %s, before what the in-memory log holds: reading it from Kafka",
                        taskId == null ? "" : " of task " + taskId, cursor.encode().isEmpty() ? "the beginning" : cursor);
                StreamCursor from = cursor.copy();
                items = Uni.createFrom().item(() -> history.read(from, registration.head(), taskId))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .onItem().transformToMulti(read -> {
                            Multi<Object> events = Multi.createFrom().iterable(List.<Object>copyOf(read.events()));
                            if (read.complete()) {
                                return Multi.createBy().concatenating().streams(events, live);
                            }
                            // Too much to catch up in one go: end here; the browser resumes from the last event sent.
                            hub.unregister(registration);
                            return Multi.createBy().concatenating().streams(events, Multi.createFrom().item(
                                    new StreamItem.End("catching up: reconnect with Last-Event-ID to continue")));
                        });
            }
            return ordered(items, cursor).onTermination().invoke(() -> hub.unregister(registration));
        });
    }

    /** Drops what the cursor already passed and moves it past the rest, giving each event its resume position. */
    static Multi<StreamItem> ordered(Multi<Object> items, StreamCursor cursor) {
        return items
                .map(item -> {
                    if (item instanceof StreamedEvent e) {
                        return cursor.advance(e.topic(), e.partition(), e.offset())
                                ? Optional.<StreamItem>of(new StreamItem.Event(cursor.encode(), e))
                                : Optional.<StreamItem>empty();
                    }
                    return Optional.of((StreamItem) item);
                })
                .filter(Optional::isPresent)
                .map(Optional::get);
    }
}
