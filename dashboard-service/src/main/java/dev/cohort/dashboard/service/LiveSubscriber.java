package dev.cohort.dashboard.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * One browser's share of the live feed: a bounded buffer filled by the hub and drained as fast as the browser
 * reads. When the buffer is full the browser is too slow; it is dropped (the stream ends) instead of making the
 * hub or other browsers wait.
 */
final class LiveSubscriber {

    private final String taskId;
    private final int capacity;
    private final ArrayBlockingQueue<Object> queue;
    private final UnicastProcessor<Object> processor;
    private volatile boolean dropped;

    LiveSubscriber(String taskId, int capacity, Runnable onTermination) {
        this.taskId = taskId;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.processor = UnicastProcessor.create(queue, onTermination);
    }

    /** Called by the hub for every event, in reading order; never blocks. */
    void offer(StreamedEvent event) {
        if (taskId == null || taskId.equals(event.taskId())) {
            push(event);
        }
    }

    void keepAlive() {
        push(StreamItem.KEEP_ALIVE);
    }

    boolean dropped() {
        return dropped;
    }

    private synchronized void push(Object item) {
        if (dropped) {
            return;
        }
        if (queue.remainingCapacity() == 0) {
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
