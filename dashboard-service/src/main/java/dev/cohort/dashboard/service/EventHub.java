package dev.cohort.dashboard.service;

import dev.cohort.dashboard.config.DashboardConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where every event this instance reads arrives, in reading order, and fans out to the browsers' live buffers.
 * It keeps the position it has read to (a {@link StreamCursor}), so a new stream knows exactly which events it must
 * catch up on and which will reach it live. Each live event goes to every browser as one frame, with the position
 * right after it as its id, encoded once (see {@link BrowserStream} for why that id is right for each of them).
 */
@ApplicationScoped
public class EventHub {

    static final int MAX_TASK_STARTS = 100_000;

    /** The histogram buckets of the dashboard's delays on an event's way to the browsers: milliseconds to seconds. */
    public static final Duration[] DELAY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(100), Duration.ofMillis(150),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)};

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
    private final CopyOnWriteArrayList<BrowserStream> subscribers = new CopyOnWriteArrayList<>();
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
        String id;
        Iterator<BrowserStream> targets;
        synchronized (this) {
            if (event.taskId() != null && !taskStarts.containsKey(event.taskId())) {
                taskStarts.put(event.taskId(), position.copy());
            }
            position.advance(event.topic(), event.partition(), event.offset());
            log.add(event);
            if (subscribers.isEmpty()) {
                return;
            }
            id = position.encode();
            // The streams registered up to now, and no other: a snapshot that later changes leave alone.
            targets = subscribers.iterator();
        }
        // Outside the lock: a browser's buffer never holds up registration of another.
        StreamItem.Event live = new StreamItem.Event(id, event, System.nanoTime());
        while (targets.hasNext()) {
            BrowserStream s = targets.next();
            s.offer(live);
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
     * Starts a new stream at {@code head}, where the live feed starts. What it missed before that (after its own
     * position) comes from the log; when the log no longer holds all of it, {@link Registration#caughtUp()} is false
     * and the caller reads it from Kafka and hands it to {@link BrowserStream#caughtUp}.
     *
     * @param after the stream's position, or null to start at the live feed
     * @param ready see {@link BrowserStream#poll()}
     */
    public synchronized Registration register(String taskId, StreamCursor after, Runnable ready) {
        StreamCursor head = position.copy();
        Optional<List<StreamedEvent>> fromLog = after == null ? Optional.of(List.of()) : log.after(after, taskId);
        BrowserStream stream = new BrowserStream(this, taskId, clientBuffer, after == null ? head.copy() : after.copy(),
                after != null && after.aheadOf(head), fromLog.orElse(null), ready);
        subscribers.add(stream);
        return new Registration(stream, head, fromLog.isPresent());
    }

    /** Ends a stream's share of the live feed. */
    void unregister(BrowserStream stream) {
        subscribers.remove(stream);
    }

    /** A keep-alive comment for every stream, after what it already holds. */
    void keepAlive() {
        try {
            for (BrowserStream s : subscribers) {
                s.keepAlive();
                if (s.dropped()) {
                    subscribers.remove(s);
                }
            }
        } catch (RuntimeException e) {
            Log.warn("Keep-alive round failed", e);
        }
    }

    /** A new stream, where its live feed starts, and whether the log held everything it missed before that. */
    public record Registration(BrowserStream stream, StreamCursor head, boolean caughtUp) {
    }
}
