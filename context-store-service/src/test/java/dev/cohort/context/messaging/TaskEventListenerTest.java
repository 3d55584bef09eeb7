package dev.cohort.context.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.service.ArtifactRules;
import dev.cohort.context.service.DispatchWaits;
import dev.cohort.context.service.SubtaskFenceService;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Fence;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whatever applying a task event does, the listener answers with an ack or a nack and never fails the stream. */
class TaskEventListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

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
    void aThrowWhileBuildingTheWorkIsDeadLetteredInsteadOfEndingTheStream() {
        IllegalArgumentException boom = new IllegalArgumentException("value does not fit");
        Record record = new Record(dispatched());
        TaskEventListener listener = listener(Duration.ofMinutes(5), (tries) -> {
            throw boom;
        });

        record.deliverTo(listener);

        assertSame(boom, record.nacked.get(), "a permanent failure is dead-lettered at once, with its cause");
        assertFalse(record.acked.get());
    }

    @Test
    void aTransientFailureIsRetriedOnAVertxContextUntilItSucceeds() {
        List<Boolean> onContext = new ArrayList<>();
        Record record = new Record(dispatched());
        TaskEventListener listener = listener(Duration.ZERO, tries -> {
            onContext.add(Vertx.currentContext() != null);
            if (tries < 3) {
                throw new IllegalStateException("pool closed", new ConnectException("Connection refused"));
            }
            return tries == 3 ? Uni.createFrom().failure(new ConnectException("Connection refused"))
                    : Uni.createFrom().item(true);
        });

        record.deliverTo(listener);

        assertTrue(record.acked.get());
        assertNull(record.nacked.get(), "a transient failure is never dead-lettered");
        assertEquals(List.of(true, true, true, true), onContext, "every try, the retries too, runs on a Vert.x context");
    }

    @Test
    void aFailureOfUnknownKindIsRetriedForAWhileThenDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        Record record = new Record(dispatched());
        TaskEventListener listener = listener(Duration.ofMillis(500), tries -> {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("something odd"));
        });

        record.deliverTo(listener);

        assertInstanceOf(IllegalStateException.class, record.nacked.get());
        assertTrue(calls.get() > 1, "retried before it was dead-lettered: " + calls.get());
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAndOtherTaskEventsAreAcknowledgedWithoutWork() {
        AtomicInteger calls = new AtomicInteger();
        TaskEventListener listener = listener(Duration.ofMinutes(5), tries -> {
            calls.incrementAndGet();
            return Uni.createFrom().item(true);
        });

        Record unreadable = new Record("{\"type\":\"subtask.state-changed\"");
        unreadable.deliverTo(listener);
        assertInstanceOf(InvalidEventException.class, unreadable.nacked.get());

        Record paused = new Record(EventCodec.encode(new TaskPaused("t-1", "budget reached")));
        paused.deliverTo(listener);
        assertTrue(paused.acked.get());

        Record badId = new Record(EventCodec.encode(new SubtaskStateChanged("t-1", "s".repeat(101), Role.BACKEND,
                "API", SubtaskStatus.DISPATCHED, 1, null)));
        badId.deliverTo(listener);
        assertTrue(badId.nacked.get().getMessage().contains("subtaskId"), badId.nacked.get().getMessage());

        Record badHash = new Record(EventCodec.encode(new SubtaskStateChanged("t-1", "s-1", Role.BACKEND, "API",
                SubtaskStatus.DISPATCHED, 1, null, "ABC", List.of("src/"))));
        badHash.deliverTo(listener);
        assertTrue(badHash.nacked.get().getMessage().contains("leaseTokenHash"), badHash.nacked.get().getMessage());

        Record badKey = new Record(EventCodec.encode(new SubtaskStateChanged("t-1", "s-1", Role.BACKEND, "API",
                SubtaskStatus.DISPATCHED, 1, null, Fence.hash("t"), List.of("../etc/"))));
        badKey.deliverTo(listener);
        assertTrue(badKey.nacked.get().getMessage().contains(".."), badKey.nacked.get().getMessage());

        assertEquals(0, calls.get());
    }

    private static String dispatched() {
        return EventCodec.encode(new SubtaskStateChanged("t-1", "s-1", Role.BACKEND, "API", SubtaskStatus.DISPATCHED,
                2, null, Fence.hash("lease"), List.of("src/", "plan")));
    }

    /** A listener whose fence service answers with {@code work}, given the number of the try (1, 2, ...). */
    private static TaskEventListener listener(Duration unknownFailureRetries, Function<Integer, Uni<Boolean>> work) {
        ContextStoreConfig config = config(unknownFailureRetries);
        AtomicInteger tries = new AtomicInteger();
        SubtaskFenceService fences = new SubtaskFenceService(null, new SimpleMeterRegistry()) {
            @Override
            public Uni<Boolean> stateChanged(SubtaskStateChanged event) {
                return work.apply(tries.incrementAndGet());
            }
        };
        return new TaskEventListener(fences, new DispatchWaits(vertx, config, new SimpleMeterRegistry()), new ArtifactRules(config), config, vertx,
                new SimpleMeterRegistry());
    }

    /** A record of the task-events channel that remembers how it was acknowledged. */
    private static final class Record {
        final AtomicBoolean acked = new AtomicBoolean();
        final AtomicReference<Throwable> nacked = new AtomicReference<>();
        final Message<String> message;

        Record(String payload) {
            message = Message.of(payload, Metadata.empty(), () -> {
                acked.set(true);
                return CompletableFuture.completedFuture(null);
            }, failure -> {
                nacked.set(failure);
                return CompletableFuture.completedFuture(null);
            });
        }

        void deliverTo(TaskEventListener listener) {
            Uni<Void> outcome = listener.onEvent(message);
            outcome.await().atMost(WAIT);
            assertTrue(acked.get() || nacked.get() != null, "the record was acknowledged one way or the other");
        }
    }

    private static ContextStoreConfig config(Duration unknownFailureRetries) {
        return new ContextStoreConfig() {
            @Override
            public int maxContentBytes() {
                return 1024;
            }

            @Override
            public Duration relayInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public int relayBatchSize() {
                return 10;
            }

            @Override
            public Duration relaySendTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration unknownFailureRetries() {
                return unknownFailureRetries;
            }

            @Override
            public Duration subscribePollInterval() {
                return Duration.ofMillis(100);
            }

            @Override
            public Duration subscribeKeepAlive() {
                return Duration.ofSeconds(1);
            }

            @Override
            public int maxStreamsPerPrincipal() {
                return 20;
            }

            @Override
            public int maxStreams() {
                return 1000;
            }

            @Override
            public Duration dispatchWait() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration dispatchRecheck() {
                return Duration.ofMillis(100);
            }
        };
    }
}
