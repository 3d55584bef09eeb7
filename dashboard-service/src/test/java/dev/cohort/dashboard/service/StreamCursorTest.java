package dev.cohort.dashboard.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import org.junit.jupiter.api.Test;

class StreamCursorTest {

    @Test
    void theTextFormNamesTheNextOffsetOfEveryPartitionAndReadsBackTheSame() {
        StreamCursor cursor = new StreamCursor();
        assertTrue(cursor.advance(Topics.TASK_EVENTS, 0, 14));
        assertTrue(cursor.advance(Topics.AGENT_EVENTS, 2, 229));
        assertEquals("agent-events:2:230,task-events:0:15", cursor.encode());
        StreamCursor read = StreamCursor.parse(cursor.encode());
        assertEquals(cursor.positions(), read.positions());
        assertTrue(read.delivered(Topics.TASK_EVENTS, 0, 14));
        assertFalse(read.delivered(Topics.TASK_EVENTS, 0, 15));
        assertFalse(read.delivered(Topics.ARTIFACT_EVENTS, 0, 0), "an unnamed partition starts at its beginning");
    }

    @Test
    void aRecordBehindTheCursorIsNotDeliveredAgain() {
        StreamCursor cursor = StreamCursor.parse("task-events:0:10");
        assertFalse(cursor.advance(Topics.TASK_EVENTS, 0, 9));
        assertTrue(cursor.advance(Topics.TASK_EVENTS, 0, 12));
        assertEquals(13, cursor.next(Topics.TASK_EVENTS, 0));
    }

    @Test
    void aCursorIsAheadOfAnotherWhenItPassedARecordTheOtherDidNot() {
        StreamCursor hub = StreamCursor.parse("agent-events:0:5,task-events:0:10");
        assertFalse(StreamCursor.parse("task-events:0:10").aheadOf(hub));
        assertFalse(StreamCursor.parse("agent-events:0:2,task-events:0:10,artifact-events:1:0").aheadOf(hub));
        assertTrue(StreamCursor.parse("agent-events:0:2,task-events:0:11").aheadOf(hub));
        assertTrue(StreamCursor.parse("artifact-events:1:1").aheadOf(hub), "a partition the other has not read");
        assertFalse(new StreamCursor().aheadOf(new StreamCursor()));
    }

    @Test
    void textThatIsNotACursorIsRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamCursor.parse("42"));
        assertTrue(e.getMessage().contains("'42' is not a stream position"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamCursor.parse("task-events:0:x"));
        assertEquals("", StreamCursor.parse("").encode());
    }
}
