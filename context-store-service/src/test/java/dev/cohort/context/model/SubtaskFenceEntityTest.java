package dev.cohort.context.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.model.SubtaskFenceEntity.Admission;
import org.junit.jupiter.api.Test;

class SubtaskFenceEntityTest {

    private static SubtaskFenceEntity fence(int attempt, String leaseToken) {
        SubtaskFenceEntity fence = new SubtaskFenceEntity();
        fence.attempt = attempt;
        fence.leaseToken = leaseToken;
        return fence;
    }

    @Test
    void anOlderAttemptIsStaleAndChangesNothing() {
        SubtaskFenceEntity fence = fence(2, "t2");
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, "t1"));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, null));
        assertEquals(2, fence.attempt);
        assertEquals("t2", fence.leaseToken);
    }

    @Test
    void aNewerAttemptRaisesTheFenceWithItsToken() {
        SubtaskFenceEntity fence = fence(1, "t1");
        assertEquals(Admission.ADMITTED, fence.admit(3, "t3"));
        assertEquals(3, fence.attempt);
        assertEquals("t3", fence.leaseToken);
    }

    @Test
    void theCurrentAttemptKeepsTheFirstTokenItWasSeenWith() {
        SubtaskFenceEntity fence = fence(2, null);
        assertEquals(Admission.ADMITTED, fence.admit(2, null));
        assertNull(fence.leaseToken);
        assertEquals(Admission.ADMITTED, fence.admit(2, "t2"));
        assertEquals(Admission.ADMITTED, fence.admit(2, "t2"));
        assertEquals(Admission.ADMITTED, fence.admit(2, null));
        assertEquals(Admission.OTHER_LEASE, fence.admit(2, "other"));
        assertEquals("t2", fence.leaseToken);
    }

    @Test
    void anAnnouncementOnlyRaisesAndForgetsTheOlderToken() {
        SubtaskFenceEntity fence = fence(2, "t2");
        assertFalse(fence.announce(2));
        assertFalse(fence.announce(1));
        assertEquals("t2", fence.leaseToken);
        assertTrue(fence.announce(3));
        assertEquals(3, fence.attempt);
        assertNull(fence.leaseToken);
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(2, "t2"));
    }

    @Test
    void anEndedAttemptIsOverUntilANewerAttemptOpensTheFence() {
        SubtaskFenceEntity fence = fence(2, "t2");
        assertTrue(fence.close(2, "pending"));
        assertFalse(fence.close(2, "cancelled"), "the first end is kept");
        assertEquals("pending", fence.closedAs);
        assertEquals(Admission.ATTEMPT_OVER, fence.admit(2, "t2"));
        assertEquals(Admission.ATTEMPT_OVER, fence.admit(2, null));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, "t1"));
        assertFalse(fence.announce(2), "announcing the ended attempt again does not reopen it");
        assertTrue(fence.closed());

        assertTrue(fence.announce(3));
        assertNull(fence.closedAs);
        assertEquals(Admission.ADMITTED, fence.admit(3, "t3"));
    }

    @Test
    void aWriteOfANewerAttemptReopensAClosedFence() {
        SubtaskFenceEntity fence = fence(1, "t1");
        fence.close(1, "failed");
        assertEquals(Admission.ADMITTED, fence.admit(2, "t2"));
        assertNull(fence.closedAs);
        assertEquals(2, fence.attempt);
    }

    @Test
    void theEndOfAnOlderAttemptChangesNothingAndOfANewerOneRaisesTheFenceClosed() {
        SubtaskFenceEntity fence = fence(2, "t2");
        assertFalse(fence.close(1, "cancelled"));
        assertNull(fence.closedAs);
        assertTrue(fence.close(4, "skipped"));
        assertEquals(4, fence.attempt);
        assertNull(fence.leaseToken);
        assertEquals(Admission.ATTEMPT_OVER, fence.admit(4, null));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(3, null));
    }
}
