package dev.cohort.context.service;

import dev.cohort.context.config.ContextStoreConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the event streams open on this instance, per principal ({@code cohort.context.max-streams-per-principal})
 * and in all ({@code cohort.context.max-streams}). Each stream polls the database, so an unbounded number of them, from
 * one leaked token or a buggy client, would starve everyone else.
 */
@ApplicationScoped
public class StreamQuota {

    /** How long a refused subscriber waits before it tries again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final int perPrincipal;
    private final int total;
    private final Map<String, Integer> byPrincipal = new HashMap<>();
    private final Counter refused;
    private int open;

    @Inject
    public StreamQuota(ContextStoreConfig config, MeterRegistry metrics) {
        this(config.maxStreamsPerPrincipal(), config.maxStreams(), metrics);
    }

    StreamQuota(int perPrincipal, int total, MeterRegistry metrics) {
        this.perPrincipal = perPrincipal;
        this.total = total;
        this.refused = Counter.builder("cohort.context.streams.refused")
                .description("Event streams refused because a principal or the instance had too many open")
                .register(metrics);
        metrics.gauge("cohort.context.streams.open", this, StreamQuota::open);
    }

    /** A place for one more stream of {@code principal}, or 429 {@code too-many-streams}. Release it once it ends. */
    public synchronized Slot acquire(String principal) {
        int mine = byPrincipal.getOrDefault(principal, 0);
        if (mine >= perPrincipal) {
            refused.increment();
            throw ContextStoreException.tooMany("too-many-streams", "'" + principal + "' already has " + mine
                    + " event streams open here, the most one principal may have"
                    + " (cohort.context.max-streams-per-principal); close one, or follow several keys with one stream"
                    + " and a key glob", Map.of("limit", perPrincipal, "scope", "principal"), RETRY_AFTER);
        }
        if (open >= total) {
            refused.increment();
            throw ContextStoreException.tooMany("too-many-streams", "this instance already serves " + open
                    + " event streams, the most it serves at once (cohort.context.max-streams); try again later",
                    Map.of("limit", total, "scope", "instance"), RETRY_AFTER);
        }
        byPrincipal.put(principal, mine + 1);
        open++;
        return new Slot(principal);
    }

    public synchronized int open() {
        return open;
    }

    public synchronized int open(String principal) {
        return byPrincipal.getOrDefault(principal, 0);
    }

    private synchronized void release(String principal) {
        open--;
        byPrincipal.computeIfPresent(principal, (name, n) -> n > 1 ? n - 1 : null);
    }

    /** One open stream; releasing it twice counts once. */
    public final class Slot {

        private final String principal;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String principal) {
            this.principal = principal;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                StreamQuota.this.release(principal);
            }
        }
    }
}
