package dev.cohort.orchestrator.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.AgentThrottled;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.Usage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission to a model with a concurrency limit of 1 (%test config for ollama/admission-test): the optimizer's
 * subtasks run on it one at a time, the others wait ready and say for what; a rate-limited attempt pauses the model.
 */
@QuarkusTest
class ModelAdmissionTest {

    static final ModelRef LIMITED = new ModelRef(Provider.OLLAMA, "admission-test");
    static final String ONE = """
            {"subtasks": [
              {"id": "o1", "role": "optimizer", "title": "Tune 1", "instructions": "", "dependsOn": []}
            ]}""";
    static final String CHAIN = """
            {"subtasks": [
              {"id": "o1", "role": "optimizer", "title": "Tune 1", "instructions": "", "dependsOn": []},
              {"id": "o2", "role": "optimizer", "title": "Tune 2", "instructions": "", "dependsOn": ["o1"]}
            ]}""";
    static final String THREE = """
            {"subtasks": [
              {"id": "o1", "role": "optimizer", "title": "Tune 1", "instructions": "", "dependsOn": []},
              {"id": "o2", "role": "optimizer", "title": "Tune 2", "instructions": "", "dependsOn": []},
              {"id": "o3", "role": "optimizer", "title": "Tune 3", "instructions": "", "dependsOn": []}
            ]}""";

    static ScriptedWorker worker;
    /** Started optimizer attempts whose completion the test sends, by subtask id. */
    static final Map<String, SubtaskDispatch> held = new ConcurrentHashMap<>();

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(ModelAdmissionTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        String scenario = d.taskDescription();
        if (!scenario.startsWith("admission-")) {
            return List.of();
        }
        if (d.kind() == SubtaskKind.PLAN) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d,
                    scenario.equals("admission-limit") ? THREE : scenario.equals("admission-throttled") ? CHAIN : ONE));
        }
        if (d.role() != Role.OPTIMIZER) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d, "done"));
        }
        List<AgentEvent> events = new ArrayList<>(List.of(new AgentStarted(d.taskId(), d.subtaskId(), d.attempt(),
                d.leaseToken(), "scripted-1", d.role(), LIMITED)));
        switch (scenario) {
            case "admission-limit" -> held.put(d.subtaskId(), d);
            case "admission-overload" -> events.add(d.attempt() == 1
                    ? new AgentFailed(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(),
                    LIMITED, FailureKind.RATE_LIMITED, "ollama/admission-test answered HTTP 429. Rate limited; retry "
                    + "after 2 s.", new Usage(0, 0, null, null))
                    : completion(d));
            case "admission-throttled" -> {
                if (d.title().equals("Tune 1")) {
                    // The provider said 429 mid-attempt; the worker waits, calls again, and finishes.
                    events.add(new AgentThrottled(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1",
                            d.role(), LIMITED, FailureKind.RATE_LIMITED, 2L, "429: rate limited"));
                }
                events.add(completion(d));
            }
            default -> events.add(completion(d));
        }
        return events;
    }

    static AgentCompleted completion(SubtaskDispatch d) {
        return new AgentCompleted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(),
                LIMITED, new StructuredSummary("done", List.of(d.title() + " finished"), null), List.of(),
                new Usage(10, 20, null, null), null, List.of());
    }

    @Test
    void subtasksOfAModelAtItsLimitWaitReadyAndRunOneAfterAnother() {
        // A first task teaches the orchestrator which model the optimizer's workers run.
        awaitStatus(submit("admission-warm"), "completed");

        String id = submit("admission-limit");
        List<String> order = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            int done = round - 1;
            SubtaskDispatch running = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        held.values().stream().filter(d -> d.taskId().equals(id)).forEach(d -> worker.send(
                                new AgentHeartbeat(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1")));
                        return held.values().stream().filter(d -> d.taskId().equals(id)
                                && !order.contains(d.subtaskId())).findFirst().orElse(null);
                    }, d -> d != null);
            JsonPath task = given().get("/api/tasks/" + id).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> optimizers = task.getList("subtasks.findAll { it.role == 'optimizer' }");
            long inFlight = optimizers.stream().filter(s -> List.of("dispatched", "running").contains(s.get("status")))
                    .count();
            assertEquals(1, inFlight, "one at a time on a model whose concurrency is 1: " + optimizers);
            long waiting = optimizers.stream().filter(s -> "pending".equals(s.get("status"))).count();
            assertEquals(3 - done - 1, waiting);
            optimizers.stream().filter(s -> "pending".equals(s.get("status"))).forEach(s -> assertTrue(
                    String.valueOf(s.get("waitingFor")).startsWith("ollama/admission-test: 1 of 1 in flight"),
                    String.valueOf(s.get("waitingFor"))));
            if (round == 1) {
                JsonPath workload = given().get("/api/workload").then().statusCode(200).extract().jsonPath();
                assertEquals(1, workload.getInt("models.find { it.model == 'ollama/admission-test' }.concurrency"));
                assertEquals(1, workload.getInt("models.find { it.model == 'ollama/admission-test' }.inFlight"));
                assertEquals(2, workload.getInt("models.find { it.model == 'ollama/admission-test' }.waiting"));
            }
            order.add(running.subtaskId());
            worker.send(completion(running));
        }
        JsonPath task = awaitStatus(id, "completed");
        assertEquals(3, order.size());
        // Each started after the one before it finished.
        List<Map<String, Object>> optimizers = task.getList("subtasks.findAll { it.role == 'optimizer' }");
        for (int i = 1; i < order.size(); i++) {
            Instant finished = instant(optimizers, order.get(i - 1), "finishedAt");
            Instant started = instant(optimizers, order.get(i), "startedAt");
            assertTrue(!started.isBefore(finished), "started " + started + " before the previous finished " + finished);
        }
    }

    @Test
    void aRateLimitedAttemptPausesItsModelForTheRetryAfterItQuoted() {
        awaitStatus(submit("admission-warm"), "completed");

        String id = submit("admission-overload");
        JsonPath task = awaitStatus(id, "completed");
        List<Map<String, Object>> attempts = task.getList("subtasks.find { it.key == 'o1' }.attempts");
        assertEquals(2, attempts.size());
        Instant failed = Instant.parse((String) attempts.get(0).get("finishedAt"));
        Instant again = Instant.parse((String) attempts.get(1).get("dispatchedAt"));
        // The retry's own back-off is 200 ms in tests; the model's pause holds it for the 2 s the provider asked.
        assertTrue(Duration.between(failed, again).toMillis() >= 1500,
                "dispatched again " + Duration.between(failed, again).toMillis() + " ms after the 429");
    }

    @Test
    void aThrottledCallMidAttemptHoldsBackTheNextDispatchToThatModel() {
        awaitStatus(submit("admission-warm"), "completed");

        String id = submit("admission-throttled");
        JsonPath task = awaitStatus(id, "completed");
        Instant firstDone = Instant.parse(task.getString("subtasks.find { it.key == 'o1' }.finishedAt"));
        Instant firstStarted = Instant.parse(task.getString("subtasks.find { it.key == 'o1' }.startedAt"));
        Instant next = Instant.parse(task.getString("subtasks.find { it.key == 'o2' }.attempts[0].dispatchedAt"));
        // o2 was ready as soon as o1 finished, within milliseconds of its start; the pause of 2 s held it.
        assertTrue(Duration.between(firstStarted, next).toMillis() >= 1500,
                "o2 dispatched " + Duration.between(firstStarted, next).toMillis() + " ms after o1 started (o1 done "
                        + Duration.between(firstStarted, firstDone).toMillis() + " ms after its start)");
    }

    private static Instant instant(List<Map<String, Object>> subtasks, String subtaskId, String field) {
        Object value = subtasks.stream().filter(s -> subtaskId.equals(s.get("id"))).findFirst().orElseThrow().get(field);
        assertNotNull(value, field + " of " + subtaskId);
        return Instant.parse((String) value);
    }

    private static String submit(String scenario) {
        return given().contentType(ContentType.JSON).body(Map.of("title", scenario, "description", scenario))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    private static JsonPath awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/tasks/" + id).then().statusCode(200).body("status", equalTo(status)));
        return given().get("/api/tasks/" + id).then().extract().jsonPath();
    }
}
