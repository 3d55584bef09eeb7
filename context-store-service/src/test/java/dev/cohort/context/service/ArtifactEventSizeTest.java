package dev.cohort.context.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.api.Limits;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.contracts.event.ArtifactResolved;
import dev.cohort.contracts.model.ArtifactKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Artifact events carry no content, only fields that the REST limits bound, so every event the store can accept fits
 * a Kafka record (1 MiB by default) with room to spare.
 */
class ArtifactEventSizeTest {

    /** Far below Kafka's default max.request.size of 1048576 bytes. */
    private static final int BOUND = 16 * 1024;

    @Test
    void theLargestEventsTheLimitsAllowAreSmall() {
        // three UTF-8 bytes a character is the most a character of these fields costs in the JSON
        String taskId = "t".repeat(Limits.TASK_ID);
        String key = "€".repeat(Limits.KEY);
        String author = "€".repeat(Limits.ROLE) + "/" + "€".repeat(Limits.AGENT_ID);
        String subtaskId = "€".repeat(Limits.SUBTASK_ID);
        String hash = "f".repeat(64);
        List<ArtifactEvent> largest = List.of(
                new ArtifactPublished(taskId, key, Long.MAX_VALUE, ArtifactKind.CODE, hash, Long.MAX_VALUE, false,
                        author, subtaskId, Integer.MAX_VALUE),
                new ArtifactConflict(taskId, key, UUID.randomUUID().toString(), Long.MAX_VALUE, Long.MAX_VALUE, author,
                        subtaskId, Integer.MAX_VALUE),
                new ArtifactResolved(taskId, key, UUID.randomUUID().toString(), Long.MAX_VALUE, author));
        for (ArtifactEvent event : largest) {
            int bytes = EventCodec.encode(event).getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes < BOUND, event.type() + " is " + bytes + " bytes");
        }
    }
}
