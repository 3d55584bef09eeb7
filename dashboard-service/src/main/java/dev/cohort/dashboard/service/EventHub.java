package dev.cohort.dashboard.service;

import dev.cohort.dashboard.config.DashboardConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where every event this instance reads arrives, in reading order, and fans out to the browsers' live buffers.
 * It keeps the position it has read to (a {@link StreamCursor}), so a new stream knows exactly which events it must
 * catch up on and which will reach it live.
 */
@ApplicationScoped
public class EventHub {

    static final int MAX_TASK_STARTS = 100_000;

    private final EventLog log;
    private final int clientBuffer;
    private final StreamCursor position = new StreamCursor();
    /** Per task, the read position just before its first event: where a stream of the whole task starts. */
    private final Map<String, StreamCursor> taskStarts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StreamCursor> eldest) {
            return size() > MAX_TASK_STARTS;
        }
    };
    private final List<LiveSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService keepAlive;

    @Inject
    public EventHub(EventLog log, DashboardConfig config) {
        this(log, config.clientBuffer(), config.keepAlive().toMillis());
    }

    /** @param keepAliveMillis 0 for no keep-alive comments */
    public EventHub(EventLog log, int clientBuffer, long keepAliveMillis) {
        this.log = log;
        this.clientBuffer = clientBuffer;
        if (keepAliveMillis > 0) {
            keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dashboard-keep-alive");
                t.setDaemon(true);
                return t;
            });
            keepAlive.scheduleAtFixedRate(this::keepAlive, keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
        } else {
            keepAlive = null;
        }
    }

    @PreDestroy
    void stop() {
        if (keepAlive != null) {
            keepAlive.shutdownNow();
        }
    }

    /** An event read from Kafka. Called in reading order, one at a time. */
    public void publish(StreamedEvent event) {
        List<LiveSubscriber> targets;
        synchronized (this) {
            if (event.taskId() != null && !taskStarts.containsKey(event.taskId())) {
                taskStarts.put(event.taskId(), position.copy());
            }
            position.advance(event.topic(), event.partition(), event.offset());
            log.add(event);
            targets = List.copyOf(subscribers);
        }
        // Outside the lock: a browser's buffer never holds up registration of another.
        for (LiveSubscriber s : targets) {
            s.offer(event);
            if (s.dropped()) {
                subscribers.remove(s);
            }
        }
    }

    /** A record that is not an event (dead-lettered): the position still moves past it. */
    public synchronized void skip(String topic, int partition, long offset) {
        position.advance(topic, partition, offset);
    }

    /** How far this instance has read. */
    public synchronized StreamCursor position() {
        return position.copy();
    }

    /**
     * Where a stream of all of one task's events starts. Every record of the task is at or after it: before its first
     * event was read, or, for a task not seen yet, the current position. Empty only when this instance has forgotten
     * the task (then the stream must start at the beginning).
     */
    public synchronized Optional<StreamCursor> taskStart(String taskId) {
        StreamCursor start = taskStarts.get(taskId);
        if (start != null) {
            return Optional.of(start.copy());
        }
        return taskStarts.size() < MAX_TASK_STARTS ? Optional.of(position.copy()) : Optional.empty();
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /**
     * Starts a live buffer for a new stream and tells it where the live feed starts. Everything before
     * {@code head} (and after the stream's own position) must come from {@code fromLog}, or, when that is empty
     * because the log no longer holds it, from Kafka.
     *
     * @param after the stream's position, or null to start at the live feed
     * @param executor where the live buffer hands events on (null: on the thread that publishes them)
     */
    public synchronized Registration register(String taskId, StreamCursor after, Executor executor) {
        LiveSubscriber[] holder = new LiveSubscriber[1];
        LiveSubscriber subscriber = new LiveSubscriber(taskId, clientBuffer, executor,
                () -> subscribers.remove(holder[0]));
        holder[0] = subscriber;
        subscribers.add(subscriber);
        StreamCursor head = position.copy();
        Optional<List<StreamedEvent>> fromLog = after == null ? Optional.of(List.of()) : log.after(after, taskId);
        return new Registration(subscriber, head, fromLog);
    }

    /** Ends a live buffer whose stream will not subscribe to it (e.g. it ends after catching up). */
    public void unregister(Registration registration) {
        subscribers.remove(registration.subscriber());
    }

    private void keepAlive() {
        try {
            for (LiveSubscriber s : subscribers) {
                s.keepAlive();
                if (s.dropped()) {
                    subscribers.remove(s);
                }
            }
        } catch (RuntimeException e) {
            Log.warn("Keep-alive round failed", e);
        }
    }

    /** A new stream's live buffer, where the live feed starts, and what the log holds before that. */
    public record Registration(LiveSubscriber subscriber, StreamCursor head, Optional<List<StreamedEvent>> fromLog) {
    }
}
