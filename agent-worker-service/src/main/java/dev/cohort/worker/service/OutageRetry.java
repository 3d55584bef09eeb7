package dev.cohort.worker.service;

import dev.cohort.contracts.Failures;
import dev.cohort.worker.model.Cancellation;
import dev.cohort.worker.model.RetryPolicy;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Carries one step of an attempt (a context-store read or write, a report to Kafka) through a short outage of what
 * it needs: the step is tried again with exponential back-off and jitter until it succeeds, fails in a way no retry
 * changes, the window has passed since its first failure, or the attempt is cancelled. Then the last failure is
 * thrown. The caller keeps everything the attempt has done so far, so waiting never costs a second model call.
 */
final class OutageRetry {

    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final Duration window;
    private final RetryPolicy backoff;

    OutageRetry(Duration window, Duration firstBackoff, Duration maxBackoff) {
        this.window = window;
        this.backoff = new RetryPolicy(firstBackoff, maxBackoff, Duration.ZERO, 0.2);
    }

    /** The window as the log says it, e.g. "120 s". */
    String window() {
        return window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
    }

    /**
     * Runs {@code step}, retrying the failures {@code retryable} accepts.
     *
     * @param what         the step, for the log, e.g. "backend-1/backend: write App.java of task 1234"
     * @param cancellation stops the waiting when the attempt is cancelled
     */
    <T> T call(String what, Supplier<T> step, Predicate<RuntimeException> retryable, Cancellation cancellation) {
        long firstFailure = 0;
        long lastLogged = 0;
        int tries = 0;
        while (true) {
            tries++;
            try {
                T result = step.get();
                if (tries > 1) {
                    Log.infof("%s succeeded after %d tries", what, tries);
                }
                return result;
            } catch (RuntimeException failure) {
                long now = System.nanoTime();
                if (firstFailure == 0) {
                    firstFailure = now;
                }
                if (!retryable.test(failure) || cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw failure;
                }
                if (now - firstFailure >= window.toNanos()) {
                    Log.warnf("%s still failing after %d tries in %s, giving up: %s", what, tries, window(),
                            Failures.describe(failure));
                    throw failure;
                }
                if (tries == 1 || now - lastLogged >= LOG_EVERY_NANOS) {
                    lastLogged = now;
                    Log.warnf("%s failed (try %d), retrying for up to %s: %s", what, tries, window(),
                            Failures.describe(failure));
                }
                long left = window.toNanos() - (now - firstFailure);
                long delay = Math.min(backoff.delay(tries, null).toNanos(), Math.max(0, left));
                if (!pause(delay, cancellation)) {
                    throw failure;
                }
            }
        }
    }

    /** Sleeps unless the attempt is cancelled or the thread interrupted meanwhile; false when it was. */
    private static boolean pause(long nanos, Cancellation cancellation) {
        CountDownLatch cancelled = new CountDownLatch(1);
        Runnable unregister = cancellation.onCancel(cancelled::countDown);
        try {
            return !cancelled.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            unregister.run();
        }
    }
}
