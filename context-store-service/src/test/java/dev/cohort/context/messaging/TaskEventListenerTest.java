package dev.cohort.context.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.model.SubtaskFenceEntity;
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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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

        assertNull(record.nacked.get(), "a transient failure is never dead-lettered");
        assertEquals(4, onContext.size(), "applied in the end");
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
        assertNull(paused.nacked.get(), "another task event is passed over");

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

    @Test
    void aPollsFenceEventsAreAppliedTogetherInTheirOrderAndItsBadRecordsDeadLetteredAlone() {
        List<List<String>> together = new ArrayList<>();
        AtomicInteger alone = new AtomicInteger();
        TaskEventListener listener = listener(Duration.ofMinutes(5), event -> {
            alone.incrementAndGet();
            return Uni.createFrom().item(true);
        }, events -> {
            together.add(events.stream().map(e -> e.subtaskId() + ":" + e.status().id()).toList());
            return Uni.createFrom().item(Set.of());
        });
        Record first = new Record(changed("s-1", SubtaskStatus.DISPATCHED));
        Record unreadable = new Record("{\"type\":\"subtask.state-changed\"");
        Record paused = new Record(EventCodec.encode(new TaskPaused("t-1", "budget reached")));
        Record second = new Record(changed("s-2", SubtaskStatus.DISPATCHED));
        Record third = new Record(changed("s-1", SubtaskStatus.RUNNING));

        poll(listener, first, unreadable, paused, second, third);

        assertEquals(List.of(List.of("s-1:dispatched", "s-2:dispatched", "s-1:running")), together,
                "one transaction for the poll's fence events, in the order they were read");
        assertEquals(0, alone.get());
        assertInstanceOf(InvalidEventException.class, unreadable.nacked.get());
        for (Record applied : List.of(first, paused, second, third)) {
            assertNull(applied.nacked.get());
        }
    }

    @Test
    void whenApplyingAPollTogetherFailsEachEventIsAppliedAloneAndOnlyTheOneThatCannotBeIsDeadLettered() {
        IllegalArgumentException doesNotFit = new IllegalArgumentException("value does not fit");
        List<String> alone = new ArrayList<>();
        AtomicInteger together = new AtomicInteger();
        TaskEventListener listener = listener(Duration.ofMillis(200), event -> {
            alone.add(event.subtaskId());
            if (event.subtaskId().equals("s-2")) {
                throw doesNotFit;
            }
            return Uni.createFrom().item(true);
        }, events -> {
            together.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("one of them does not fit"));
        });
        Record first = new Record(changed("s-1", SubtaskStatus.DISPATCHED));
        Record second = new Record(changed("s-2", SubtaskStatus.DISPATCHED));
        Record third = new Record(changed("s-3", SubtaskStatus.DISPATCHED));

        poll(listener, first, second, third);

        assertEquals(1, together.get(), "a failure of unknown kind is not retried together: it may be one record's");
        assertEquals(List.of("s-1", "s-2", "s-3"), alone, "then each alone, in order");
        assertNull(first.nacked.get());
        assertSame(doesNotFit, second.nacked.get());
        assertNull(third.nacked.get());
    }

    @Test
    void aPollWhoseDatabaseIsAwayIsRetriedTogetherUntilItIsApplied() {
        AtomicInteger together = new AtomicInteger();
        TaskEventListener listener = listener(Duration.ZERO, event -> {
            throw new AssertionError("not applied alone: " + event.subtaskId());
        }, events -> {
            boolean onContext = Vertx.currentContext() != null;
            if (together.incrementAndGet() < 3 || !onContext) {
                return Uni.createFrom().failure(new ConnectException("Connection refused"));
            }
            return Uni.createFrom().item(Set.of(new SubtaskFenceEntity.Key("t-1", "s-1")));
        });
        Record first = new Record(changed("s-1", SubtaskStatus.DISPATCHED));
        Record second = new Record(changed("s-1", SubtaskStatus.RUNNING));

        poll(listener, first, second);

        assertEquals(3, together.get());
        assertNull(first.nacked.get());
        assertNull(second.nacked.get());
    }

    private static String changed(String subtaskId, SubtaskStatus status) {
        return EventCodec.encode(new SubtaskStateChanged("t-1", subtaskId, Role.BACKEND, "API", status, 1, null,
                Fence.hash("lease"), List.of("src/")));
    }

    private static String dispatched() {
        return EventCodec.encode(new SubtaskStateChanged("t-1", "s-1", Role.BACKEND, "API", SubtaskStatus.DISPATCHED,
                2, null, Fence.hash("lease"), List.of("src/", "plan")));
    }

    /** A listener whose fence service answers with {@code work}, given the number of the try (1, 2, ...). */
    private static TaskEventListener listener(Duration unknownFailureRetries, Function<Integer, Uni<Boolean>> work) {
        AtomicInteger tries = new AtomicInteger();
        return listener(unknownFailureRetries, event -> work.apply(tries.incrementAndGet()), events -> {
            throw new AssertionError("no fence events applied together: " + events);
        });
    }

    /** A listener whose fence service applies one event with {@code one} and several in one go with {@code together}. */
    private static TaskEventListener listener(Duration unknownFailureRetries,
                                              Function<SubtaskStateChanged, Uni<Boolean>> one,
                                              Function<List<SubtaskStateChanged>, Uni<Set<SubtaskFenceEntity.Key>>> together) {
        ContextStoreConfig config = config(unknownFailureRetries);
        SubtaskFenceService fences = new SubtaskFenceService(null, new SimpleMeterRegistry()) {
            @Override
            public Uni<Boolean> stateChanged(SubtaskStateChanged event) {
                return one.apply(event);
            }

            @Override
            public Uni<Set<SubtaskFenceEntity.Key>> stateChanged(List<SubtaskStateChanged> events) {
                return together.apply(events);
            }
        };
        return new TaskEventListener(fences, new DispatchWaits(vertx, config, new SimpleMeterRegistry()), new ArtifactRules(config), config, vertx,
                new SimpleMeterRegistry());
    }

    /** Applies a poll of {@code records}, which must end, whatever applying them does, without failing. */
    private static void poll(TaskEventListener listener, Record... records) {
        listener.applyPoll(Arrays.stream(records).map(r -> r.message).toList()).await().atMost(WAIT);
        for (Record record : records) {
            assertFalse(record.acked.get(), "a record of a poll is acknowledged with the poll, by the caller");
        }
    }

    /** A record of the task-events channel that remembers whether it was dead-lettered. */
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
            poll(listener, this);
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
