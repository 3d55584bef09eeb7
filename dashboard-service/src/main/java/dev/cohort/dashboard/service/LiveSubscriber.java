package dev.cohort.dashboard.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser's share of the live feed: a bounded buffer filled by the hub and drained as fast as the browser
 * reads. When the buffer is full the browser is too slow; it is dropped (the stream ends) instead of making the
 * hub or other browsers wait.
 *
 * <p>With an executor (the browser connection's event loop), the hub's part is to queue the event and, when none is
 * pending, schedule one hand-over of everything queued: a few nanoseconds per browser on the hub's thread, and the
 * rest of the stream's work on the connection's own thread, in order.
 */
final class LiveSubscriber {

    private static final Object OVERFLOW = new Object();

    private final String taskId;
    private final int capacity;
    private final ArrayBlockingQueue<Object> queue;
    private final UnicastProcessor<Object> processor;
    private final Executor executor;
    /** Events queued for the executor; bounded like the buffer, so a stalled executor drops the browser too. */
    private final ConcurrentLinkedQueue<Object> handover = new ConcurrentLinkedQueue<>();
    private final AtomicInteger handoverSize = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean overflowed;
    private volatile boolean dropped;

    LiveSubscriber(String taskId, int capacity, Runnable onTermination) {
        this(taskId, capacity, null, onTermination);
    }

    LiveSubscriber(String taskId, int capacity, Executor executor, Runnable onTermination) {
        this.taskId = taskId;
        this.capacity = capacity;
        this.executor = executor;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.processor = UnicastProcessor.create(queue, onTermination);
    }

    /** Called by the hub for every event, in reading order; never blocks. */
    void offer(StreamedEvent event) {
        if (taskId == null || taskId.equals(event.taskId())) {
            handOver(event);
        }
    }

    void keepAlive() {
        handOver(StreamItem.KEEP_ALIVE);
    }

    private void handOver(Object item) {
        if (executor == null) {
            push(item);
            return;
        }
        if (overflowed) {
            return;
        }
        if (handoverSize.incrementAndGet() > capacity) {
            // What is queued still goes out, then the stream ends with its resume point.
            overflowed = true;
            handover.add(OVERFLOW);
        } else {
            handover.add(item);
        }
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drainHandover);
            } catch (RuntimeException e) {
                scheduled.set(false);
                overflowed = true;
                push(null);
            }
        }
    }

    private void drainHandover() {
        scheduled.set(false);
        Object item;
        while ((item = handover.poll()) != null) {
            handoverSize.decrementAndGet();
            push(item == OVERFLOW ? null : item);
        }
    }

    boolean dropped() {
        return dropped || overflowed;
    }

    /** Into the buffer; null (or a full buffer) drops the browser. */
    private synchronized void push(Object item) {
        if (dropped) {
            return;
        }
        if (item == null || queue.remainingCapacity() == 0) {
            dropped = true;
            processor.onError(new BackPressureFailure("client buffer of " + capacity + " items is full"));
            return;
        }
        processor.onNext(item);
    }

    /** What was buffered and what comes next: {@link StreamedEvent}s and keep-alives, ending when dropped. */
    Multi<Object> items() {
        return processor.onFailure(BackPressureFailure.class).recoverWithItem(
                        new StreamItem.End("the browser read too slowly; reconnect with Last-Event-ID to continue"));
    }
}
