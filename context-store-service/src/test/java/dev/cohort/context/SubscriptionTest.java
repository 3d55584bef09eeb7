package dev.cohort.context;

import static dev.cohort.context.Api.publishOk;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SubscriptionTest extends ContextStoreTestBase {

    private static List<SseClient.Event> take(SseClient client, int n) throws InterruptedException {
        List<SseClient.Event> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SseClient.Event e = client.next(WAIT);
            assertNotNull(e, "expected " + n + " events, got " + got.size() + ": " + got);
            got.add(e);
        }
        return got;
    }

    @Test
    void resumesFromLastEventIdWithExactlyTheMissedEvents() throws Exception {
        String task = newTaskId();
        publishOk(task, "a.txt", "1", null);
        publishOk(task, "a.txt", "2", 1L);
        publishOk(task, "b.txt", "1", null);

        String lastSeen;
        try (SseClient first = SseClient.open("/api/tasks/" + task + "/events", null)) {
            assertEquals(200, first.status);
            List<SseClient.Event> events = take(first, 3);
            assertEquals(List.of("1", "2", "3"), events.stream().map(SseClient.Event::id).toList());
            assertEquals("artifact.published", events.get(0).name());
            ArtifactPublished e1 = EventCodec.decode(events.get(0).data(), ArtifactPublished.class);
            assertEquals(task, e1.taskId());
            assertEquals("a.txt", e1.key());
            assertEquals(1, e1.version());
            lastSeen = events.get(2).id();
        }

        // written while nobody listened
        publishOk(task, "a.txt", "3", 2L);
        publishOk(task, "c.txt", "1", null);

        try (SseClient resumed = SseClient.open("/api/tasks/" + task + "/events", lastSeen)) {
            // and it stays live: a repeated or skipped event would show up in this exact sequence
            publishOk(task, "d.txt", "1", null);
            List<SseClient.Event> missed = take(resumed, 3);
            assertEquals(List.of("4", "5", "6"), missed.stream().map(SseClient.Event::id).toList());
            ArtifactEvent fourth = EventCodec.decode(missed.get(0).data(), ArtifactEvent.class);
            assertEquals("a.txt", fourth.key());
            assertEquals(3, ((ArtifactPublished) fourth).version());
        }
    }

    @Test
    void keyPatternFiltersTheStreamAndConflictsAreStreamedToo() throws Exception {
        String task = newTaskId();
        publishOk(task, "src/A.java", "a", null);
        publishOk(task, "docs/readme.md", "r", null);
        publishOk(task, "src/B.java", "b", null);
        Api.publishAsPerson(task, Api.personBody("src/A.java", "stale", 0L)).statusCode(409);

        try (SseClient client = SseClient.open("/api/tasks/" + task + "/events?key=src/**", null)) {
            publishOk(task, "docs/other.md", "o", null);
            publishOk(task, "src/C.java", "c", null);
            List<SseClient.Event> events = take(client, 4);
            assertEquals(List.of("1", "3", "4", "6"), events.stream().map(SseClient.Event::id).toList());
            assertEquals(List.of("artifact.published", "artifact.published", "artifact.conflict", "artifact.published"),
                    events.stream().map(SseClient.Event::name).toList());
        }
    }

    @Test
    void anIdleStreamGetsKeepAliveCommentsThatDoNotCountAsEvents() throws Exception {
        String task = newTaskId();
        try (SseClient client = SseClient.open("/api/tasks/" + task + "/events", null)) {
            assertEquals(200, client.status);
            await().atMost(WAIT).until(() -> client.comments() > 0);
            publishOk(task, "late.txt", "x", null);
            SseClient.Event first = take(client, 1).get(0);
            assertEquals("1", first.id());
            assertEquals("artifact.published", first.name());
        }
    }

    @Test
    void lastEventIdThatIsNotAnEventIdIs400() throws Exception {
        try (SseClient client = SseClient.open("/api/tasks/" + newTaskId() + "/events", "abc")) {
            assertEquals(400, client.status);
        }
    }

    @Test
    void aPrincipalMayHoldSoManyStreamsAndGets429BeyondUntilOneCloses() throws Exception {
        // cohort.context.max-streams-per-principal, 20 by default
        int limit = 20;
        String hog = TestTokens.bearer(TestTokens.mint("stream-hog", "viewer"));
        String path = "/api/tasks/" + newTaskId() + "/events";
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                SseClient client = SseClient.open(path, null, hog);
                open.add(client);
                assertEquals(200, client.status, "stream " + (i + 1));
            }
            try (SseClient refused = SseClient.open(path, null, hog)) {
                assertEquals(429, refused.status);
                assertTrue(refused.headers.firstValue("Retry-After").isPresent(), "Retry-After");
                JsonNode error = EventCodec.mapper().readTree(refused.text());
                assertEquals("too-many-streams", error.path("error").asText());
                assertEquals(limit, error.path("limit").asInt());
                assertTrue(error.path("detail").asText().contains("cohort.context.max-streams-per-principal"));
            }
            // another principal is not held back by this one
            try (SseClient other = SseClient.open(path, null)) {
                assertEquals(200, other.status);
            }
            // a closed stream frees its place
            open.remove(0).close();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                SseClient again = SseClient.open(path, null, hog);
                if (again.status == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            for (SseClient client : open) {
                client.close();
            }
        }
    }

    @Test
    void aStreamNeedsAToken() throws Exception {
        try (SseClient client = SseClient.open("/api/tasks/" + newTaskId() + "/events", null, null)) {
            assertEquals(401, client.status);
            assertEquals("Bearer", client.headers.firstValue("WWW-Authenticate").orElse(null));
        }
    }
}
