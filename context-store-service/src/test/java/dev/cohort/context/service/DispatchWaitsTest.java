package dev.cohort.context.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cohort.context.config.ContextStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A worker's write that arrives before its dispatch waits for the dispatch, not for a back-off. */
class DispatchWaitsTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aWriteRefusedForWantOfItsDispatchIsTriedAgainAsSoonAsTheFenceChanges() throws Exception {
        // No timer would wake it within the test: only the change does.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DispatchWaits waits = new DispatchWaits(vertx, config(Duration.ofHours(1), Duration.ofHours(1)), metrics);
        AtomicBoolean dispatched = new AtomicBoolean();
        AtomicInteger tries = new AtomicInteger();
        CompletableFuture<String> written = waits.write("t-1", "s-1", () -> {
            tries.incrementAndGet();
            return dispatched.get() ? Uni.createFrom().item("stored") : Uni.createFrom().failure(notDispatchedYet());
        }).subscribeAsCompletionStage();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() == 1);
        waits.changed("t-1", "s-other"); // another subtask's fence: still waiting
        waits.changed("t-2", "s-1");
        Thread.sleep(200);
        assertEquals(1, tries.get(), "a change of another fence does not wake it");

        dispatched.set(true);
        waits.changed("t-1", "s-1");
        assertEquals("stored", written.get(10, TimeUnit.SECONDS));
        assertEquals(2, tries.get());
        assertEquals(1.0, metrics.counter("cohort.context.writes.dispatch-waits", "outcome", "admitted").count());
    }

    @Test
    void withoutItsDispatchTheWriteIsRefusedOnceTheWaitIsOver() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DispatchWaits waits = new DispatchWaits(vertx, config(Duration.ofMillis(300), Duration.ofMillis(50)), metrics);
        ContextStoreException refusal = notDispatchedYet();
        AtomicInteger tries = new AtomicInteger();
        CompletableFuture<String> written = waits.write("t-1", "s-1", () -> {
            tries.incrementAndGet();
            return Uni.createFrom().<String>failure(refusal);
        }).subscribeAsCompletionStage();

        var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> written.get(10, TimeUnit.SECONDS));
        assertSame(refusal, failure.getCause(), "the store's own refusal goes out, with its Retry-After");
        assertEquals(true, tries.get() > 1, "it looked again meanwhile: " + tries.get());
        assertEquals(1.0, metrics.counter("cohort.context.writes.dispatch-waits", "outcome", "refused").count());
    }

    @Test
    void otherRefusalsAndAPersonsWritesAreNotHeld() {
        DispatchWaits waits = new DispatchWaits(vertx, config(Duration.ofHours(1), Duration.ofHours(1)),
                new SimpleMeterRegistry());
        AtomicInteger tries = new AtomicInteger();
        ContextStoreException stale = ContextStoreException.conflict(SubtaskFenceService.STALE_ATTEMPT, "stale", Map.of());
        assertThrows(ContextStoreException.class, () -> waits.write("t-1", "s-1", () -> {
            tries.incrementAndGet();
            return Uni.createFrom().<String>failure(stale);
        }).await().atMost(Duration.ofSeconds(10)));
        assertEquals(1, tries.get());

        // A person's write names no subtask: there is no dispatch to wait for.
        assertThrows(ContextStoreException.class, () -> waits.write("t-1", null, () -> {
            tries.incrementAndGet();
            return Uni.createFrom().<String>failure(notDispatchedYet());
        }).await().atMost(Duration.ofSeconds(10)));
        assertEquals(2, tries.get());
    }

    private static ContextStoreException notDispatchedYet() {
        return ContextStoreException.unavailable(SubtaskFenceService.NOT_DISPATCHED_YET, "not yet", Map.of(),
                Duration.ofSeconds(1));
    }

    /** The two settings this class reads; the rest of the configuration is not asked for. */
    private static ContextStoreConfig config(Duration wait, Duration recheck) {
        return (ContextStoreConfig) Proxy.newProxyInstance(ContextStoreConfig.class.getClassLoader(),
                new Class<?>[]{ContextStoreConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dispatchWait" -> wait;
                    case "dispatchRecheck" -> recheck;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
