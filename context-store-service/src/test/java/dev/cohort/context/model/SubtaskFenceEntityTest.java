package dev.cohort.context.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.model.SubtaskFenceEntity.Admission;
import dev.cohort.contracts.Fence;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubtaskFenceEntityTest {

    private static final List<String> KEYS = List.of("src/", "plan");

    /** A fence as a dispatch of {@code attempt} with lease token "t{attempt}" leaves it. */
    private static SubtaskFenceEntity dispatched(int attempt) {
        SubtaskFenceEntity fence = new SubtaskFenceEntity();
        assertTrue(fence.dispatch(attempt, Fence.hash("t" + attempt), KEYS));
        return fence;
    }

    @Test
    void onlyTheDispatchedAttemptWithItsTokenMayWriteItsKeys() {
        SubtaskFenceEntity fence = dispatched(2);
        assertEquals(Admission.ADMITTED, fence.admit(2, "t2", "src/App.java"));
        assertEquals(Admission.ADMITTED, fence.admit(2, "t2", "plan"));
        assertEquals(Admission.UNDECLARED_KEY, fence.admit(2, "t2", "src"));
        assertEquals(Admission.UNDECLARED_KEY, fence.admit(2, "t2", "plan/v2"));
        assertEquals(Admission.OTHER_LEASE, fence.admit(2, "t1", "plan"));
        assertEquals(Admission.OTHER_LEASE, fence.admit(2, null, "plan"));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, "t1", "plan"));
        assertEquals(Admission.NOT_DISPATCHED_YET, fence.admit(3, "t3", "plan"));
        assertEquals(Admission.NOT_DISPATCHED_YET, fence.admit(Integer.MAX_VALUE, "t2", "plan"));
    }

    @Test
    void aWriteChangesNothing() {
        SubtaskFenceEntity fence = dispatched(1);
        fence.admit(Integer.MAX_VALUE, "forged", "plan");
        fence.admit(1, "forged", "plan");
        assertEquals(1, fence.attempt);
        assertEquals(Fence.hash("t1"), fence.leaseTokenHash);
        assertEquals(Admission.ADMITTED, fence.admit(1, "t1", "plan"));
    }

    @Test
    void aNewerDispatchReplacesTheFenceAndAnOlderOneChangesNothing() {
        SubtaskFenceEntity fence = dispatched(2);
        assertFalse(fence.dispatch(1, Fence.hash("t1"), List.of("other")));
        assertFalse(fence.dispatch(2, Fence.hash("t2"), KEYS), "a repeated dispatch");
        assertTrue(fence.dispatch(3, Fence.hash("t3"), List.of("other")));
        assertEquals(Admission.ADMITTED, fence.admit(3, "t3", "other"));
        assertEquals(Admission.UNDECLARED_KEY, fence.admit(3, "t3", "plan"));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(2, "t2", "plan"));
    }

    @Test
    void aFenceWithoutAHashAdmitsNothing() {
        SubtaskFenceEntity fence = new SubtaskFenceEntity();
        fence.dispatch(1, null, KEYS);
        assertEquals(Admission.OTHER_LEASE, fence.admit(1, "t1", "plan"));
        assertEquals(Admission.OTHER_LEASE, fence.admit(1, null, "plan"));
    }

    @Test
    void runningKeepsTheAttemptOpenAndFillsInWhatItCarries() {
        SubtaskFenceEntity fence = dispatched(1);
        assertFalse(fence.running(1, null, null), "running without a fence of its own keeps the dispatch's");
        assertEquals(Admission.ADMITTED, fence.admit(1, "t1", "plan"));
        assertTrue(fence.running(1, null, List.of("plan", "notes")));
        assertEquals(Admission.ADMITTED, fence.admit(1, "t1", "notes"));
        assertFalse(fence.running(0, Fence.hash("x"), null));

        // the running of a newer attempt whose dispatch was missed fences the older ones, and admits nothing yet
        assertTrue(fence.running(2, null, null));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, "t1", "plan"));
        assertEquals(Admission.OTHER_LEASE, fence.admit(2, "t2", "plan"));
    }

    @Test
    void anEndedAttemptIsOverUntilANewerAttemptIsDispatched() {
        SubtaskFenceEntity fence = dispatched(2);
        assertTrue(fence.close(2, "pending"));
        assertFalse(fence.close(2, "cancelled"), "the first end is kept");
        assertEquals("pending", fence.closedAs);
        assertEquals(Admission.ATTEMPT_OVER, fence.admit(2, "t2", "plan"));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(1, "t1", "plan"));
        assertFalse(fence.dispatch(2, Fence.hash("t2"), KEYS), "dispatching the ended attempt again does not reopen it");
        assertFalse(fence.running(2, Fence.hash("t2"), KEYS));
        assertTrue(fence.closed());

        assertTrue(fence.dispatch(3, Fence.hash("t3"), KEYS));
        assertNull(fence.closedAs);
        assertEquals(Admission.ADMITTED, fence.admit(3, "t3", "plan"));
    }

    @Test
    void theEndOfAnOlderAttemptChangesNothingAndOfANewerOneRaisesTheFenceClosed() {
        SubtaskFenceEntity fence = dispatched(2);
        assertFalse(fence.close(1, "cancelled"));
        assertNull(fence.closedAs);
        assertTrue(fence.close(4, "skipped"));
        assertEquals(4, fence.attempt);
        assertNull(fence.leaseTokenHash);
        assertNull(fence.writes);
        assertEquals(Admission.ATTEMPT_OVER, fence.admit(4, "t4", "plan"));
        assertEquals(Admission.STALE_ATTEMPT, fence.admit(3, "t3", "plan"));
    }
}
