package dev.cohort.contracts;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How every consumer applies a record: transient failures (a dependency away) are retried with back-off until the
 * work succeeds, so nothing is lost and a task's records stay in order; failures of unknown kind are retried for a
 * while; a permanent failure ends the retries at once and is the caller's to dead-letter.
 */
public final class Retrying {

    private static final Logger LOG = Logger.getLogger(Retrying.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private Retrying() {
    }

    /**
     * Subscribes to {@code work} again after each failure worth retrying.
     *
     * @param what       what is being done, for the log, e.g. "agent.completed 1234 of task 5678"
     * @param unknownFor how long failures of unknown kind are retried before the last one is passed on
     */
    public static <T> Uni<T> untilApplied(Supplier<Uni<T>> work, String what, Duration unknownFor) {
        AtomicLong firstFailure = new AtomicLong();
        AtomicLong lastLogged = new AtomicLong();
        AtomicInteger tries = new AtomicInteger();
        return Uni.createFrom().deferred(() -> {
                    tries.incrementAndGet();
                    return work.get();
                })
                .onFailure(failure -> {
                    long now = System.nanoTime();
                    firstFailure.compareAndSet(0, now);
                    Failures.Kind kind = Failures.classify(failure);
                    boolean retry = kind == Failures.Kind.TRANSIENT
                            || kind == Failures.Kind.UNKNOWN && now - firstFailure.get() < unknownFor.toNanos();
                    if (retry && (tries.get() == 1 || now - lastLogged.get() >= LOG_EVERY_NANOS)) {
                        lastLogged.set(now);
                        LOG.log(Level.WARNING, "{0} failed (try {1}, {2}), retrying: {3}",
                                new Object[] {what, tries.get(), kind.name().toLowerCase(), Failures.describe(failure)});
                    }
                    return retry;
                })
                .retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).withJitter(0.2).indefinitely()
                .invoke(() -> {
                    if (tries.get() > 1) {
                        LOG.log(Level.INFO, "{0} succeeded after {1} tries", new Object[] {what, tries.get()});
                    }
                });
    }

    /**
     * Applies several records in one go ({@code together}, e.g. one transaction), waiting out only an unavailable
     * dependency; when it fails in any other way, each record is applied on its own instead ({@code each}, in order),
     * so that one record that cannot be applied is dealt with alone (dead-lettered) and does not take the others
     * with it. {@code applied} runs with what {@code together} returned when it succeeded.
     *
     * @param each applies one of {@code records} on its own; it is expected to settle the record (apply or
     *             dead-letter it) and not to fail
     */
    public static <T, R> Uni<Void> togetherElseEach(Supplier<Uni<T>> together, String what, Consumer<T> applied,
                                                    List<R> records, Function<R, Uni<Void>> each) {
        return untilApplied(together, what, Duration.ZERO)
                .invoke(applied)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.log(Level.INFO, "Applying {0} together failed ({1}); applying them one at a time",
                            new Object[] {what, Failures.describe(failure)});
                    Uni<Void> oneByOne = Uni.createFrom().voidItem();
                    for (R record : records) {
                        oneByOne = oneByOne.chain(() -> each.apply(record));
                    }
                    return oneByOne;
                });
    }
}
