package dev.cohort.context.service;

import dev.cohort.context.config.ContextStoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A worker's write that reaches the store before its attempt's dispatch does. The worker takes the dispatch from its
 * own topic and the store learns of it from the task events; under load the store can be a few hundred milliseconds
 * behind, and the worker's first write (at once when the model answers fast) finds no fence yet. Instead of refusing
 * it with 503 {@code not-dispatched-yet} at once, which costs the worker a back-off of its own and a warning, the
 * store holds the request until its task-event listener has applied a change to that subtask's fence, then tries the
 * write again; a change applied by another replica is found by looking again every {@code recheck}. Only after
 * {@code cohort.context.dispatch-wait} does the 503 go out. Nothing is held meanwhile: no transaction, connection or
 * thread, only the request and a callback.
 */
@ApplicationScoped
public class DispatchWaits {

    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final Duration wait;
    private final Duration recheck;
    private final ConcurrentHashMap<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger waitingNow = new AtomicInteger();

    public DispatchWaits(Vertx vertx, ContextStoreConfig config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        metrics.gauge("cohort.context.writes.waiting-for-dispatch", waitingNow);
        this.wait = config.dispatchWait();
        this.recheck = config.dispatchRecheck();
    }

    /**
     * Runs {@code write} (a transaction of its own each time) for the fenced {@code subtaskId}, again while it fails
     * with {@code not-dispatched-yet} and the wait has not run out; null {@code subtaskId} (a person's write) runs it
     * once.
     */
    public <T> Uni<T> write(String taskId, String subtaskId, Supplier<Uni<T>> write) {
        if (subtaskId == null) {
            return write.get();
        }
        long start = System.nanoTime();
        String key = key(taskId, subtaskId);
        // Registered before the first try and until the write is through, so that no change of the fence is missed.
        Waiter waiter = new Waiter(Vertx.currentContext());
        waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        return attempt(waiter, write, start + wait.toNanos())
                .onTermination().invoke(() -> forget(key, waiter))
                .onItemOrFailure().invoke((item, failure) -> {
                    boolean refused = failure != null && notDispatchedYet(failure);
                    if (refused) {
                        metrics.counter("cohort.context.writes.fenced", "reason", "not_dispatched_yet").increment();
                        Log.infof("deferred a write for subtask %s of task %s: its attempt's dispatch did not reach "
                                + "the store within %d ms (%s)", subtaskId, taskId,
                                (System.nanoTime() - start) / 1_000_000, failure.getMessage());
                    }
                    if (waiter.waited) {
                        metrics.counter("cohort.context.writes.dispatch-waits", "outcome",
                                failure == null ? "admitted" : refused ? "refused" : "other").increment();
                    }
                });
    }

    /** The fence of the subtask changed (the change committed): the writes waiting for it try again now. */
    public void changed(String taskId, String subtaskId) {
        Set<Waiter> waiters = waiting.get(key(taskId, subtaskId));
        if (waiters != null) {
            waiters.forEach(Waiter::wake);
        }
    }

    private <T> Uni<T> attempt(Waiter waiter, Supplier<Uni<T>> write, long deadline) {
        // Re-armed before the try: a change committed from now on, even before the refusal, ends the wait at once.
        waiter.rearm();
        return Uni.createFrom().<T>deferred(write::get)
                .onFailure(e -> notDispatchedYet(e) && System.nanoTime() < deadline)
                .recoverWithUni(refused -> {
                    waiter.waited = true;
                    waitingNow.incrementAndGet();
                    return waiter.await(Math.min(recheck.toNanos(), deadline - System.nanoTime()))
                            .onTermination().invoke(waitingNow::decrementAndGet)
                            .chain(() -> attempt(waiter, write, deadline));
                });
    }

    private void forget(String key, Waiter waiter) {
        waiting.computeIfPresent(key, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    private static boolean notDispatchedYet(Throwable e) {
        return e instanceof ContextStoreException c && SubtaskFenceService.NOT_DISPATCHED_YET.equals(c.error());
    }

    private static String key(String taskId, String subtaskId) {
        return taskId + '/' + subtaskId;
    }

    /**
     * One write's waits, one after each refusal: each ends at a change of its fence since the try before it, or at its
     * timer, and resumes on the request's context.
     */
    private final class Waiter {

        private final Context context;
        private final AtomicBoolean woken = new AtomicBoolean();
        private volatile Runnable resume;
        /** Whether the write was refused at least once and waited. */
        private volatile boolean waited;

        Waiter(Context context) {
            this.context = context;
        }

        void rearm() {
            resume = null;
            woken.set(false);
        }

        void wake() {
            woken.set(true);
            Runnable r = resume;
            if (r != null) {
                r.run();
            }
        }

        Uni<Void> await(long nanos) {
            return Uni.createFrom().emitter(emitter -> {
                AtomicBoolean done = new AtomicBoolean();
                Runnable go = () -> {
                    if (done.compareAndSet(false, true)) {
                        if (context == null) {
                            emitter.complete(null);
                        } else {
                            context.runOnContext(ignored -> emitter.complete(null));
                        }
                    }
                };
                long timer = vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> go.run());
                emitter.onTermination(() -> vertx.cancelTimer(timer));
                resume = go;
                if (woken.get()) {
                    go.run();
                }
            });
        }
    }
}
