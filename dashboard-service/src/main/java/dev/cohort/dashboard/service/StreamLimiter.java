package dev.cohort.dashboard.service;

import dev.cohort.dashboard.config.DashboardConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the streams held open: per person, so one runaway page or script cannot take them all, and per instance,
 * so the instance's memory (a live buffer per stream) stays bounded.
 */
@ApplicationScoped
public class StreamLimiter {

    /** What a refused browser is told to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final int perPrincipal;
    private final int total;
    private final Map<String, Integer> open = new HashMap<>();
    private int count;
    private final Counter refused;

    @Inject
    public StreamLimiter(DashboardConfig config, MeterRegistry metrics) {
        this(config.maxStreamsPerPrincipal(), config.maxStreams(), metrics);
    }

    public StreamLimiter(int perPrincipal, int total) {
        this(perPrincipal, total, new SimpleMeterRegistry());
    }

    StreamLimiter(int perPrincipal, int total, MeterRegistry metrics) {
        this.perPrincipal = perPrincipal;
        this.total = total;
        this.refused = Counter.builder("cohort.dashboard.streams.refused")
                .description("Browser streams refused because a person or the instance had too many open")
                .register(metrics);
        metrics.gauge("cohort.dashboard.streams.open", this, StreamLimiter::open);
    }

    /**
     * A slot for one stream of {@code principal}; release it when the stream ends.
     *
     * @throws StreamLimitException when the principal or the instance holds as many as they may
     */
    public synchronized Permit acquire(String principal) {
        int mine = open.getOrDefault(principal, 0);
        if (mine >= perPrincipal) {
            refused.increment();
            throw new StreamLimitException("You have " + mine + " streams open, the most one person may hold",
                    "close other tabs of the dashboard (cohort.dashboard.max-streams-per-principal is " + perPrincipal
                            + ")", RETRY_AFTER_SECONDS);
        }
        if (count >= total) {
            refused.increment();
            throw new StreamLimitException("This dashboard instance holds as many streams as it may (" + total + ")",
                    "try again shortly (cohort.dashboard.max-streams)", RETRY_AFTER_SECONDS);
        }
        open.put(principal, mine + 1);
        count++;
        return new Permit(principal);
    }

    public synchronized int open(String principal) {
        return open.getOrDefault(principal, 0);
    }

    public synchronized int open() {
        return count;
    }

    private synchronized void release(String principal) {
        open.computeIfPresent(principal, (k, n) -> n <= 1 ? null : n - 1);
        count--;
    }

    /** One open stream's slot; releasing it twice releases it once. */
    public final class Permit {

        private final String principal;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String principal) {
            this.principal = principal;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                StreamLimiter.this.release(principal);
            }
        }
    }
}
