package dev.cohort.dashboard.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class StreamLimiterTest {

    @Test
    void eachPersonAndTheInstanceHoldAtMostTheirShare() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        StreamLimiter limiter = new StreamLimiter(2, 3, metrics);
        StreamLimiter.Permit a1 = limiter.acquire("alice");
        limiter.acquire("alice");
        StreamLimitException perPerson = assertThrows(StreamLimitException.class, () -> limiter.acquire("alice"));
        assertEquals(429, perPerson.status());
        assertEquals(10, perPerson.retryAfterSeconds());

        limiter.acquire("bob");
        StreamLimitException full = assertThrows(StreamLimitException.class, () -> limiter.acquire("carol"));
        assertEquals(429, full.status());

        a1.release();
        a1.release(); // once is enough; twice frees nothing more
        assertEquals(1, limiter.open("alice"));
        assertEquals(2, limiter.open());
        limiter.acquire("carol");
        assertThrows(StreamLimitException.class, () -> limiter.acquire("alice"));

        assertEquals(3, metrics.get("cohort.dashboard.streams.open").gauge().value());
        assertEquals(3, metrics.get("cohort.dashboard.streams.refused").counter().count(), "alice twice, carol once");
    }
}
