package dev.cohort.context.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class StreamQuotaTest {

    @Test
    void aPrincipalAndTheInstanceEachHaveTheirLimitAndAReleasedPlaceIsFreeAgain() {
        StreamQuota quota = new StreamQuota(2, 3, new SimpleMeterRegistry());
        StreamQuota.Slot a1 = quota.acquire("a");
        quota.acquire("a");
        ContextStoreException perPrincipal = assertThrows(ContextStoreException.class, () -> quota.acquire("a"));
        assertEquals(429, perPrincipal.status());
        assertEquals("principal", perPrincipal.info().get("scope"));
        assertEquals(StreamQuota.RETRY_AFTER, perPrincipal.retryAfter());

        StreamQuota.Slot b1 = quota.acquire("b");
        ContextStoreException instance = assertThrows(ContextStoreException.class, () -> quota.acquire("c"));
        assertEquals("instance", instance.info().get("scope"));
        assertEquals(3, quota.open());

        a1.release();
        a1.release();
        assertEquals(2, quota.open(), "a place is released once");
        assertEquals(1, quota.open("a"));
        quota.acquire("c");
        b1.release();
        assertEquals(0, quota.open("b"));
        quota.acquire("a");
        assertEquals(3, quota.open());
    }
}
