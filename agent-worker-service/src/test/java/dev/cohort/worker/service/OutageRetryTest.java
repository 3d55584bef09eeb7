package dev.cohort.worker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.worker.model.Cancellation;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A step of an attempt waits out an outage shorter than the window, and no longer. */
class OutageRetryTest {

    private static final RuntimeException AWAY = new IllegalStateException("connection refused");
    private static final RuntimeException REFUSED = new IllegalStateException("HTTP 400");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void anOutageShorterThanTheWindowIsWaitedOut() {
        OutageRetry retry = new OutageRetry(Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMillis(50));
        AtomicInteger tries = new AtomicInteger();

        String result = retry.call("write", () -> {
            if (tries.incrementAndGet() <= 4) {
                throw AWAY;
            }
            return "stored";
        }, e -> e == AWAY, Cancellation.none());

        assertEquals("stored", result);
        assertEquals(5, tries.get());
    }

    @Test
    void givesUpWithTheLastFailureOnceTheWindowHasPassed() {
        OutageRetry retry = new OutageRetry(Duration.ofMillis(400), Duration.ofMillis(20), Duration.ofMillis(100));
        AtomicInteger tries = new AtomicInteger();
        long start = System.nanoTime();

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> retry.call("write", () -> {
            tries.incrementAndGet();
            throw AWAY;
        }, e -> e == AWAY, Cancellation.none()));

        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertSame(AWAY, thrown);
        assertTrue(tookMs >= 400 && tookMs < 3000, "gave up after the window, not before and not much later: " + tookMs);
        assertTrue(tries.get() > 3, "kept trying meanwhile: " + tries.get());
    }

    @Test
    void aFailureNoRetryChangesIsThrownAtOnce() {
        OutageRetry retry = new OutageRetry(Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMillis(50));
        AtomicInteger tries = new AtomicInteger();

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> retry.call("write", () -> {
            tries.incrementAndGet();
            throw REFUSED;
        }, e -> e == AWAY, Cancellation.none()));

        assertSame(REFUSED, thrown);
        assertEquals(1, tries.get());
    }

    @Test
    void aCancelledAttemptStopsWaiting() {
        OutageRetry retry = new OutageRetry(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5));
        Cancellation cancellation = new Cancellation();
        timer.schedule(() -> cancellation.cancel("task cancelled"), 200, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> retry.call("write", () -> {
            throw AWAY;
        }, e -> e == AWAY, cancellation));

        assertSame(AWAY, thrown);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 3000, "stopped within the back-off");
    }
}
