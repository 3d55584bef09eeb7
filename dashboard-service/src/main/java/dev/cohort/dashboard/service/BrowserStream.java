package dev.cohort.dashboard.service;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser's stream: first the events it missed, each with its own resume position, then its share of the live
 * feed, in a bounded buffer filled by the hub and taken from as fast as the browser reads. When the buffer is full
 * the browser is too slow; it is dropped (what was buffered still goes out, then the stream ends) instead of making
 * the hub or other browsers wait.
 *
 * <p>The hub's part per event is to queue it and, when the consumer is not already due to come back, call
 * {@code ready} once: a few nanoseconds per browser on the hub's thread. The consumer (the browser connection, on
 * its event loop) then {@link #poll()}s everything queued meanwhile, on one thread, in order.
 *
 * <p>A live event carries the hub's position right after it as its id, encoded once for every browser. That is an
 * exact resume point for every stream whose own position was not ahead of the hub's when it started: the events
 * before the hub's position are the ones it caught up on and the ones that reached it live. A stream that resumes
 * from further than this instance has read in some partition (an id from another instance) keeps a position of its
 * own instead, for as long as it lasts: it skips what it already got and gives each event its own id.
 */
public final class BrowserStream {

    private static final StreamItem.End TOO_SLOW =
            new StreamItem.End("the browser read too slowly; reconnect with Last-Event-ID to continue");
    private static final StreamItem.End CUT_SHORT =
            new StreamItem.End("catching up: reconnect with Last-Event-ID to continue");

    private final EventHub hub;
    private final String taskId;
    private final int capacity;
    private final boolean ownIds;
    private final Runnable ready;
    private final ConcurrentLinkedQueue<StreamItem> live = new ConcurrentLinkedQueue<>();
    private final AtomicInteger liveSize = new AtomicInteger();
    /** Set while the consumer is due to poll again: from the start, and from each {@code ready} to an empty poll. */
    private final AtomicBoolean scheduled = new AtomicBoolean(true);
    private volatile boolean overflowed;
    private volatile boolean closed;
    /** What the stream missed; null until it is read (from Kafka). */
    private volatile List<StreamedEvent> missed;
    private volatile boolean missedAll;
    private volatile RuntimeException failure;
    /** The consumer's alone: the stream's own position while it catches up, and for good when it has ids of its own. */
    private StreamCursor cursor;
    private int nextMissed;
    private boolean caughtUp;

    /**
     * @param cursor the stream's position, which it moves past what it missed
     * @param ownIds whether the stream's position is ahead of the hub's somewhere, so live events get its own ids
     * @param missed what it missed (after {@code cursor}, before the live feed), or null until {@link #caughtUp} says
     * @param ready called on any thread when there is something to poll after {@link #poll()} returned null
     */
    BrowserStream(EventHub hub, String taskId, int capacity, StreamCursor cursor, boolean ownIds,
                  List<StreamedEvent> missed, Runnable ready) {
        this.hub = hub;
        this.taskId = taskId;
        this.capacity = capacity;
        this.cursor = cursor;
        this.ownIds = ownIds;
        this.missed = missed;
        this.missedAll = true;
        this.ready = ready;
    }

    /**
     * What the stream missed, read from elsewhere (Kafka) after it started; {@code all} is false when that read was
     * cut short: then the stream ends after these events, and the browser resumes from the last of them.
     */
    void caughtUp(List<StreamedEvent> events, boolean all) {
        if (!all) {
            hub.unregister(this);
        }
        missedAll = all;
        missed = events;
        ready.run();
    }

    /** Reading what the stream missed failed: {@link #poll()} says so, and the stream ends. */
    void caughtUp(RuntimeException failed) {
        hub.unregister(this);
        failure = failed;
        ready.run();
    }

    /** Called by the hub for every live event, in reading order; never blocks. */
    void offer(StreamItem.Event event) {
        if (taskId == null || taskId.equals(event.event().taskId())) {
            queue(event);
        }
    }

    void keepAlive() {
        queue(StreamItem.KEEP_ALIVE);
    }

    private void queue(StreamItem item) {
        if (overflowed || closed) {
            return;
        }
        boolean full = liveSize.incrementAndGet() > capacity;
        if (full) {
            // What is queued still goes out, then the stream ends with its resume point.
            overflowed = true;
            live.add(TOO_SLOW);
        } else {
            live.add(item);
        }
        // A full buffer calls the consumer even when it is due anyway: it may be waiting for a connection that takes
        // nothing, and must end the stream now.
        if (scheduled.compareAndSet(false, true) || full) {
            try {
                ready.run();
            } catch (RuntimeException e) {
                // The consumer cannot be reached (its event loop is closing): the hub drops the stream.
                overflowed = true;
            }
        }
    }

    /** True once the hub need not offer it anything more. */
    public boolean dropped() {
        return overflowed || closed;
    }

    /**
     * The next item, on the consumer's thread, or null when there is none yet; then {@code ready} is called when
     * there is. Ends with a {@link StreamItem.End} when the stream ends on its own.
     *
     * @throws IllegalStateException when what the stream missed could not be read
     */
    public StreamItem poll() {
        if (!caughtUp) {
            StreamItem item = pollMissed();
            if (item != null || !caughtUp) {
                return item;
            }
        }
        while (true) {
            StreamItem item = live.poll();
            if (item == null) {
                scheduled.set(false);
                // What was queued just before the reset did not call ready: take it now, unless it was called since.
                if (live.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return null;
                }
                continue;
            }
            liveSize.decrementAndGet();
            if (cursor == null || !(item instanceof StreamItem.Event e)) {
                return item;
            }
            if (cursor.advance(e.event().topic(), e.event().partition(), e.event().offset())) {
                return new StreamItem.Event(cursor.encode(), e.event(), e.live());
            }
        }
    }

    /** The next event the stream missed; null (with {@code caughtUp} set) once there are no more. */
    private StreamItem pollMissed() {
        List<StreamedEvent> events = missed;
        if (events == null) {
            if (failure != null) {
                throw new IllegalStateException("the events this stream missed could not be read", failure);
            }
            return null;
        }
        while (nextMissed < events.size()) {
            StreamedEvent e = events.get(nextMissed++);
            if (cursor.advance(e.topic(), e.partition(), e.offset())) {
                return new StreamItem.Event(cursor.encode(), e);
            }
        }
        if (!missedAll) {
            return CUT_SHORT;
        }
        caughtUp = true;
        if (!ownIds) {
            cursor = null;
        }
        return null;
    }

    /** The browser is gone or its stream ended: the hub forgets it. */
    public void close() {
        closed = true;
        hub.unregister(this);
    }
}
