package dev.cohort.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void onlyExitZeroWithinTheTimeLimitPasses() {
        assertTrue(new Result(0, "", "", false, false, Duration.ofMillis(5)).passed());
        assertTrue(new Result(0, "", "", false, true, Duration.ofMillis(5)).passed());
        assertFalse(new Result(1, "", "", false, false, Duration.ofMillis(5)).passed());
        assertFalse(new Result(0, "", "", true, false, Duration.ofSeconds(2)).passed());
    }

    @Test
    void theToolTextShowsTheExitCodeWhatWentWrongAndBothStreams() {
        assertEquals("exit 1\n--- stdout ---\nout\n--- stderr ---\nerr\n",
                new Result(1, "out", "err\n", false, false, Duration.ofMillis(30)).toToolText());
        assertEquals("exit 137 (timed out after 2 s)\n--- stdout ---\n--- stderr ---\n",
                new Result(137, "", "", true, false, Duration.ofMillis(2040)).toToolText());
        assertEquals("exit 137 (output cut at 4 bytes)\n--- stdout ---\ny\ny\n--- stderr ---\n",
                new Result(137, "y\ny\n", "", false, true, Duration.ofMillis(20)).toToolText());
    }

    @Test
    void limitsHaveSensibleDefaultsAndRefuseNonsense() {
        Limits defaults = Limits.defaults();
        assertEquals(Duration.ofSeconds(120), defaults.timeout());
        assertEquals(1L << 30, defaults.memoryBytes());
        assertEquals(64 * 1024, defaults.maxOutputBytes());
        assertEquals(128, defaults.maxProcesses());
        assertThrows(IllegalArgumentException.class, () -> defaults.withTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMemoryBytes(1024));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxOutputBytes(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxProcesses(1));
    }
}
