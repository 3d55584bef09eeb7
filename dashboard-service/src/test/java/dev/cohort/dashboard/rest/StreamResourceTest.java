package dev.cohort.dashboard.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.event.TaskResumed;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.Usage;
import dev.cohort.contracts.model.Verification;
import dev.cohort.dashboard.SseReader;
import dev.cohort.dashboard.TestEvents;
import dev.cohort.dashboard.messaging.KafkaHistoryReader;
import dev.cohort.dashboard.service.EventHub;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamedEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StreamResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Inject
    EventHub hub;

    @Inject
    KafkaHistoryReader history;

    @Test
    void aBrowserThatReconnectsWithLastEventIdGetsExactlyWhatItMissedInOrder() throws Exception {
        String task = UUID.randomUUID().toString();
        try (TestEvents events = new TestEvents()) {
            events.send(progress(task, 1), progress(task, 2), progress(task, 3));
            String lastId;
            try (SseReader first = SseReader.open(url("api/tasks/" + task + "/stream"), null)) {
                List<SseReader.Frame> seen = first.awaitEvents(3, WAIT);
                assertEquals(List.of(1L, 2L, 3L), tokensOf(seen));
                lastId = seen.get(2).id();
            }
            // Missed while disconnected: a task event and two agent events, on different topics.
            events.send(new TaskPaused(task, "budget"), progress(task, 4), progress(task, 5));
            events.send(new TaskResumed(task, "alice"));
            try (SseReader resumed = SseReader.open(url("api/tasks/" + task + "/stream"), lastId)) {
                List<SseReader.Frame> missed = resumed.awaitEvents(4, WAIT);
                // Kafka orders each topic's partition, not topics among each other.
                assertEquals(List.of("task.paused", "task.resumed"),
                        order(missed).stream().filter(t -> t.startsWith("task.")).toList());
                assertEquals(4, missed.size());
                assertEquals(List.of(4L, 5L), tokensOf(missed));
                // Nothing arrives twice: wait for a keep-alive after them, then count again.
                resumed.await(f -> f.stream().skip(f.indexOf(missed.get(3)) + 1).anyMatch(x -> x.comment() != null), WAIT);
                assertEquals(4, resumed.events().size());
            }
        }
    }

    @Test
    void aBrowserThatResumesFromTheIdOfALiveEventGetsExactlyTheEventsAfterIt() throws Exception {
        String task = UUID.randomUUID().toString();
        try (TestEvents events = new TestEvents();
             SseReader live = SseReader.open(url("api/tasks/" + task + "/stream"), null)) {
            live.await(f -> !f.isEmpty(), WAIT); // connected
            events.send(progress(task, 1), progress(task, 2), progress(task, 3));
            List<SseReader.Frame> seen = live.awaitEvents(3, WAIT);
            assertEquals(List.of(1L, 2L, 3L), tokensOf(seen));
            try (SseReader resumed = SseReader.open(url("api/tasks/" + task + "/stream"), seen.get(1).id())) {
                resumed.awaitEvents(1, WAIT);
                events.send(progress(task, 4));
                List<SseReader.Frame> rest = resumed.awaitEvents(2, WAIT);
                List<SseReader.Frame> all = live.awaitEvents(4, WAIT);
                assertEquals(all.get(3).id(), rest.get(1).id(), "a live event has the same id in every stream");
                // Nothing arrives twice: wait for a keep-alive after them, then count again.
                resumed.await(f -> f.stream().skip(f.indexOf(rest.get(1)) + 1).anyMatch(x -> x.comment() != null),
                        WAIT);
                assertEquals(List.of(3L, 4L), tokensOf(resumed.events()));
            }
        }
    }

    @Test
    void aResumeFromFurtherBackThanTheLogHoldsIsReadFromKafka() throws Exception {
        // The test log holds 300 events; 400 of one task push its beginning out of memory.
        String task = UUID.randomUUID().toString();
        try (TestEvents events = new TestEvents()) {
            for (int i = 1; i <= 400; i++) {
                events.send(progress(task, i));
            }
        }
        String midway;
        try (SseReader all = SseReader.open(url("api/tasks/" + task + "/stream"), null)) {
            List<SseReader.Frame> seen = all.awaitEvents(400, WAIT);
            assertEquals(IntStream.rangeClosed(1, 400).mapToObj(i -> (long) i).toList(), tokensOf(seen));
            midway = seen.get(49).id();
        }
        try (SseReader resumed = SseReader.open(url("api/tasks/" + task + "/stream"), midway)) {
            List<SseReader.Frame> rest = resumed.awaitEvents(350, WAIT);
            assertEquals(IntStream.rangeClosed(51, 400).mapToObj(i -> (long) i).toList(), tokensOf(rest));
        }
    }

    @Test
    void theAllTasksStreamStartsLiveAndCarriesEveryTask() throws Exception {
        String one = UUID.randomUUID().toString();
        String two = UUID.randomUUID().toString();
        try (SseReader all = SseReader.open(url("api/stream"), null); TestEvents events = new TestEvents()) {
            all.await(f -> !f.isEmpty(), WAIT); // connected
            events.send(progress(one, 7), new TaskPaused(two, "by hand"));
            List<SseReader.Frame> seen = all.await(f -> f.stream().filter(x -> x.data() != null
                    && (x.data().contains(one) || x.data().contains(two))).count() == 2, WAIT);
            assertTrue(seen.stream().anyMatch(f -> "task.paused".equals(f.event()) && f.data().contains(two)));
        }
    }

    @Test
    void noFrameAndNoAnswerCarriesALeaseToken() throws Exception {
        String task = UUID.randomUUID().toString();
        String lease = "lease-secret-" + UUID.randomUUID();
        ModelRef model = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");
        try (TestEvents events = new TestEvents()) {
            events.send(new AgentStarted(task, "sub-1", 1, lease, "backend-1", Role.BACKEND, model),
                    new AgentProgress(task, "sub-1", 1, lease, "backend-1", "generating", 10),
                    new AgentHeartbeat(task, "sub-1", 1, lease, "backend-1"),
                    new AgentCompleted(task, "sub-1", 1, lease, "backend-1", Role.BACKEND, model,
                            new StructuredSummary("done", List.of(), null), List.of(), new Usage(1, 2, null, null),
                            null, List.of()));
        }
        try (SseReader stream = SseReader.open(url("api/tasks/" + task + "/stream"), null)) {
            List<SseReader.Frame> frames = stream.awaitEvents(4, WAIT);
            assertEquals(List.of("agent.started", "agent.progress", "agent.heartbeat", "agent.completed"), order(frames));
            for (SseReader.Frame f : frames) {
                assertFalse(f.data().contains("leaseToken") || f.data().contains(lease), f.data());
                assertEquals("backend-1", EventCodec.mapper().readTree(f.data()).get("agentId").asText(),
                        "the rest of the event is intact");
            }
        }
        String recent = given().queryParam("taskId", task).when().get("/api/events").then().statusCode(200)
                .extract().asString();
        assertTrue(recent.contains("backend-1"), recent);
        assertFalse(recent.contains("leaseToken") || recent.contains(lease), recent);
    }

    @Test
    void toolCallsAndTheChecksAgentsRanReachBrowsersWholeLiveAndWhenCaughtUpFromKafka() throws Exception {
        String task = UUID.randomUUID().toString();
        String lease = "lease-secret-" + UUID.randomUUID();
        ModelRef model = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");
        String result = "exit 1\n--- stdout ---\n<script>x</script> ✖ remove removes the todo\n--- stderr ---\n";
        StreamCursor before = hub.position();
        try (TestEvents events = new TestEvents()) {
            events.send(new AgentStarted(task, "sub-1", 1, lease, "tester-1", Role.TESTER, model),
                    new AgentToolCalled(task, "sub-1", 1, lease, "tester-1", Role.TESTER, 1, "run",
                            "{\"command\":\"node --test test/\"}", "ok", result, 812),
                    new AgentToolCalled(task, "sub-1", 1, lease, "tester-1", Role.TESTER, 2, "write_artifact",
                            "{\"key\":\"test/todo.test.mjs\"}", "conflict", "conflict: changed since you read it", 9),
                    new AgentCompleted(task, "sub-1", 1, lease, "tester-1", Role.TESTER, model,
                            new StructuredSummary("tests failed", List.of(), null), List.of(), new Usage(1, 2, null, null),
                            null, List.of(), List.of(), new Verification("node --test test/", 1, false, false, "ℹ fail 1")));
        }
        List<String> types = List.of("agent.started", "agent.tool-called", "agent.tool-called", "agent.completed");
        List<SseReader.Frame> frames;
        try (SseReader stream = SseReader.open(url("api/tasks/" + task + "/stream"), null)) {
            frames = stream.awaitEvents(4, WAIT);
        }
        assertEquals(types, order(frames));
        List<JsonNode> streamed = new ArrayList<>();
        for (SseReader.Frame f : frames) {
            assertFalse(f.data().contains("leaseToken") || f.data().contains(lease), f.data());
            streamed.add(EventCodec.mapper().readTree(f.data()));
        }
        JsonNode run = streamed.get(1);
        assertEquals(1, run.get("turn").asInt());
        assertEquals("run", run.get("tool").asText());
        assertEquals("{\"command\":\"node --test test/\"}", run.get("arguments").asText());
        assertEquals("ok", run.get("outcome").asText());
        assertEquals(result, run.get("result").asText());
        assertEquals(812, run.get("durationMillis").asLong());
        assertEquals("conflict", streamed.get(2).get("outcome").asText());
        JsonNode check = streamed.get(3).get("verification");
        assertEquals("node --test test/", check.get("command").asText());
        assertEquals(1, check.get("exitCode").asInt());
        assertFalse(check.get("passed").asBoolean());
        assertFalse(check.get("timedOut").asBoolean());
        assertEquals("ℹ fail 1", check.get("output").asText());

        given().queryParam("taskId", task).when().get("/api/events").then().statusCode(200)
                .body("type", org.hamcrest.Matchers.contains(types.toArray()))
                .body("[1].event.result", equalTo(result))
                .body("[3].event.verification.exitCode", equalTo(1));

        // A browser catching up from further back than the log reaches gets the same events from Kafka.
        KafkaHistoryReader.History read = history.read(before, hub.position(), task);
        assertTrue(read.complete());
        assertEquals(types, read.events().stream().map(StreamedEvent::type).toList());
        assertEquals(frames.stream().map(f -> "event: " + f.event() + "\ndata: " + f.data() + "\n\n").toList(),
                read.events().stream().map(e -> new String(e.frame(), StandardCharsets.UTF_8)).toList(),
                "the same frames either way");
    }

    @Test
    void aLastEventIdThatIsNotAStreamPositionIsRefusedInWords() {
        given().header("Last-Event-ID", "hello").accept("text/event-stream")
                .when().get("/api/tasks/x/stream")
                .then().statusCode(400)
                .body("error", equalTo("Last-Event-ID is not a position of this stream"))
                .body("detail", containsString("'hello' is not a stream position"));
    }

    private String url(String path) {
        return base.toString() + path;
    }

    private static AgentProgress progress(String task, long tokens) {
        return new AgentProgress(task, "sub-1", 1, "lease", "backend-1", "generating", tokens);
    }

    private static List<String> order(List<SseReader.Frame> frames) {
        return frames.stream().map(SseReader.Frame::event).toList();
    }

    private static List<Long> tokensOf(List<SseReader.Frame> frames) throws Exception {
        List<Long> tokens = new ArrayList<>();
        for (SseReader.Frame f : frames) {
            JsonNode json = EventCodec.mapper().readTree(f.data());
            if ("agent.progress".equals(f.event())) {
                tokens.add(json.get("tokens").asLong());
            }
        }
        return tokens;
    }
}
