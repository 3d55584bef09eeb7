package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryingTest {

    @Test
    void aRecordThatFailsForGoodIsPassedOnAfterOneTry() {
        AtomicInteger tries = new AtomicInteger();
        Uni<String> work = Retrying.untilApplied(() -> {
            tries.incrementAndGet();
            return Uni.createFrom().failure(new IllegalArgumentException("subtaskId is not an id"));
        }, "a record", Duration.ofMinutes(1));

        String outcome = work.onFailure().recoverWithItem(Throwable::getMessage).await().atMost(Duration.ofSeconds(5));

        assertEquals("subtaskId is not an id", outcome);
        assertEquals(1, tries.get());
    }

    @Test
    void anUnavailableDependencyIsWaitedForUntilTheWorkSucceeds() {
        AtomicInteger tries = new AtomicInteger();
        String result = Retrying.untilApplied(() -> tries.incrementAndGet() < 3
                        ? Uni.createFrom().<String>failure(new IOException("connection refused"))
                        : Uni.createFrom().item("applied"), "a record", Duration.ZERO)
                .await().atMost(Duration.ofSeconds(10));

        assertEquals("applied", result);
        assertEquals(3, tries.get());
    }

    @Test
    void recordsAppliedTogetherAreNotAppliedAgainOneByOne() {
        List<String> applied = new ArrayList<>();
        List<String> seen = new ArrayList<>();

        Retrying.togetherElseEach(() -> {
                    applied.add("a+b+c");
                    return Uni.createFrom().item(3);
                }, "three records", count -> seen.add("together " + count), List.of("a", "b", "c"), each(applied))
                .await().atMost(Duration.ofSeconds(5));

        assertEquals(List.of("a+b+c"), applied);
        assertEquals(List.of("together 3"), seen);
    }

    @Test
    void whenTheRecordsCannotBeAppliedTogetherEachIsAppliedOnItsOwnInOrder() {
        List<String> applied = new ArrayList<>();
        List<String> seen = new ArrayList<>();

        Retrying.togetherElseEach(() -> Uni.createFrom().<Integer>failure(new IllegalArgumentException("b is bad")),
                        "three records", count -> seen.add("together " + count), List.of("a", "b", "c"), each(applied))
                .await().atMost(Duration.ofSeconds(5));

        assertEquals(List.of("a", "b", "c"), applied);
        assertEquals(List.of(), seen);
    }

    @Test
    void anUnavailableDependencyIsWaitedForTogetherNotByFallingBackToEachRecord() {
        List<String> applied = new ArrayList<>();
        AtomicInteger tries = new AtomicInteger();

        Retrying.togetherElseEach(() -> {
                    if (tries.incrementAndGet() < 3) {
                        return Uni.createFrom().<Integer>failure(new IOException("connection refused"));
                    }
                    applied.add("a+b");
                    return Uni.createFrom().item(2);
                }, "two records", count -> { }, List.of("a", "b"), each(applied))
                .await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of("a+b"), applied);
        assertEquals(3, tries.get());
    }

    /** Applies a record on its own by noting it. */
    private static Function<String, Uni<Void>> each(List<String> applied) {
        return record -> {
            applied.add(record);
            return Uni.createFrom().voidItem();
        };
    }
}
