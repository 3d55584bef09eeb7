package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Backoff, jitter and Retry-After arithmetic. */
class RetryPolicyTest {

    private static RetryPolicy policy(double random) {
        return new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30), 0.5,
                () -> random);
    }

    @Test
    void backoffDoublesUpToTheCap() {
        RetryPolicy middle = policy(0.5);

        assertEquals(Duration.ofMillis(100), middle.delay(1, null));
        assertEquals(Duration.ofMillis(200), middle.delay(2, null));
        assertEquals(Duration.ofMillis(400), middle.delay(3, null));
        assertEquals(Duration.ofSeconds(1), middle.delay(10, null));
    }

    @Test
    void jitterSpreadsTheDelayBothWays() {
        assertEquals(Duration.ofMillis(200), policy(0.0).delay(3, null));
        assertEquals(Duration.ofMillis(600), policy(1.0).delay(3, null));
    }

    @Test
    void retryAfterIsNeverShortened() {
        assertEquals(Duration.ofSeconds(7), policy(0.0).delay(1, Duration.ofSeconds(7)));
        assertEquals(Duration.ofMillis(7050), policy(1.0).delay(1, Duration.ofSeconds(7)));
    }

    @Test
    void aRetryAfterBeyondTheLimitIsNotWaitedFor() {
        assertNull(policy(0.5).delay(1, Duration.ofSeconds(31)));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsADate() {
        assertEquals(Duration.ofSeconds(12), Failures.retryAfter("12"));
        assertNull(Failures.retryAfter("soon"));
        assertNull(Failures.retryAfter(null));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        Duration wait = Failures.retryAfter(inAMinute);
        assertEquals(true, wait.toSeconds() > 50 && wait.toSeconds() <= 60, "about a minute, was " + wait);
    }

    @Test
    void errorMessagesAreReadFromBothProviders() {
        assertEquals("model not found", Failures.errorMessage("{\"error\":\"model not found\"}"));
        assertEquals("No auth credentials found",
                Failures.errorMessage("{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}"));
        assertEquals("Bad Gateway", Failures.errorMessage("Bad Gateway"));
    }

    @Test
    void jsonMayComeInAFence() {
        assertEquals(true, ChatStream.isJson("```json\n{\"a\": 1}\n```"));
        assertEquals(true, ChatStream.isJson(" {\"a\": 1} "));
        assertEquals(false, ChatStream.isJson("{\"a\": 1} and more"));
        assertEquals(false, ChatStream.isJson("Sure! Here is the plan."));
    }
}
