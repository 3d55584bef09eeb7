package dev.cohort.orchestrator.service;

import static dev.cohort.orchestrator.service.ScriptedWorker.completed;
import static dev.cohort.orchestrator.service.ScriptedWorker.completedWithConflicts;
import static dev.cohort.orchestrator.service.ScriptedWorker.failed;
import static dev.cohort.orchestrator.service.ScriptedWorker.started;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskAwaitingApproval;
import dev.cohort.contracts.event.TaskEvent;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.Usage;
import dev.cohort.testsupport.TopicWriter;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** People steering a team, and agents working together, against the real broker and database. */
@QuarkusTest
class TaskControlTest {

    /** An operator named alice: what she does is recorded under her name. */
    static final String ALICE = TestTokens.bearer(TestTokens.mint("alice", "operator"));

    static final String READS = """
            {"subtasks": [
              {"id": "a", "role": "architect", "title": "Design", "instructions": "", "dependsOn": [], "writes": ["api.yaml"]},
              {"id": "b", "role": "backend", "title": "API", "instructions": "", "dependsOn": ["a"], "reads": ["api.yaml"]}
            ]}""";

    static ScriptedWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(TaskControlTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        String scenario = d.taskDescription();
        List<AgentEvent> events = new ArrayList<>(List.of(started(d)));
        if (d.kind() == SubtaskKind.PLAN) {
            events.add(completed(d, scenario.startsWith("conflict") ? READS : OrchestrationTest.DIAMOND));
            return events;
        }
        switch (scenario) {
            case "escalation" -> events.add(d.title().equals("API") && d.attempt() < 3
                    ? failed(d, "local model timed out") : completed(d, null));
            case "budget" -> events.add(completed(d, "ok", new Usage(10, 20, new BigDecimal("0.002"), CostSource.PROVIDER),
                    List.of()));
            case "pause" -> {
                if (d.title().equals("API") && d.attempt() == 1) {
                    return events; // still working when the person pauses
                }
                events.add(completed(d, null));
            }
            case "conflict", "conflict-first" -> {
                // The architect's write conflicted; its completion says so (and the store announces it separately).
                if (d.title().equals("Design")) {
                    events.add(completedWithConflicts(d, List.of(new ConflictRef("api.yaml",
                            scenario.equals("conflict") ? "conflict-7" : "conflict-9", 1, 2))));
                } else if (!(d.kind() == SubtaskKind.MERGE && "conflict-9".equals(d.conflictId()))) {
                    events.add(completed(d, d.kind() == SubtaskKind.SUMMARY ? "done" : null));
                } // the merge of conflict-9 runs until the test completes it
            }
            case "stop", "stop-no-retry" -> {
                if (d.title().equals("API")) {
                    return events; // working until the person stops it; the test reports for it
                }
                events.add(completed(d, d.kind() == SubtaskKind.SUMMARY ? "done" : null));
            }
            case "question" -> events.add(d.title().equals("API")
                    ? completed(d, null, null, List.of(new AgentMessage(d.taskId(),
                            Participant.agent("scripted-1/backend"), Participant.role(Role.ARCHITECT),
                            MessageKind.QUESTION, "Which port should the API listen on?", null, null)))
                    : completed(d, d.kind() == SubtaskKind.ANSWER ? "Port 8080." : null));
            default -> events.add(completed(d, d.kind() == SubtaskKind.SUMMARY ? "done" : null));
        }
        return events;
    }

    @Test
    void afterTwoFailedAttemptsTheNextRunsOnTheEscalationModel() {
        String id = submit("escalation", "auto", null);
        JsonPath task = awaitStatus(id, "completed");

        List<SubtaskDispatch> api = dispatches(id, "API");
        assertEquals(List.of(false, false, true), api.stream().map(SubtaskDispatch::escalate).toList());
        assertTrue(api.get(2).escalationReason().contains("2 failed attempt(s); last: local model timed out"),
                api.get(2).escalationReason());
        assertEquals(3, task.getInt("subtasks.find { it.key == 'b' }.attempt"));
    }

    @Test
    void aManualPlanWaitsWithAnEstimateAndRunsAsEdited() {
        String id = submit("edit", "manual", null);
        awaitStatus(id, "awaiting-approval");
        TaskAwaitingApproval waiting = taskEvents(id).stream().filter(TaskAwaitingApproval.class::isInstance)
                .map(TaskAwaitingApproval.class::cast).findFirst().orElseThrow();
        assertEquals(4, waiting.subtaskEstimates().size());
        assertTrue(waiting.estimate().tokens() > 0 && waiting.estimate().seconds() > 0, waiting.estimate().toString());
        assertTrue(worker.receivedFor(id).stream().allMatch(d -> d.kind() == SubtaskKind.PLAN), "nothing runs before approval");

        // Drop the frontend, let the tester follow the backend only, add a reviewer on a chosen cloud model.
        given().contentType(ContentType.JSON).body("""
                {"by": "alice", "subtasks": [
                  {"id": "a", "role": "architect", "title": "Design", "instructions": "design it", "dependsOn": []},
                  {"id": "b", "role": "backend", "title": "API", "instructions": "build it", "dependsOn": ["a"]},
                  {"id": "d", "role": "tester", "title": "Test", "instructions": "test it", "dependsOn": ["b"]},
                  {"id": "r", "role": "reviewer", "title": "Review", "instructions": "review it", "dependsOn": ["b"],
                   "model": {"provider": "openrouter", "model": "qwen/qwen3.5-plus"}}
                ]}""").post("/api/tasks/" + id + "/approve").then().statusCode(200).body("status", equalTo("running"));
        JsonPath task = awaitStatus(id, "completed");

        assertEquals(List.of("a", "b", "d", "r", "summary"),
                task.getList("subtasks.findAll { it.kind != 'plan' }.key", String.class).stream().sorted().toList());
        SubtaskDispatch review = dispatches(id, "Review").get(0);
        assertEquals(Provider.OPENROUTER, review.model().provider());
        assertTrue(dispatches(id, "UI").isEmpty(), "the removed subtask never ran");
    }

    @Test
    void anInvalidEditIsRefusedAndTheTaskKeepsWaiting() {
        String id = submit("edit-invalid", "manual", null);
        awaitStatus(id, "awaiting-approval");

        given().contentType(ContentType.JSON).body("""
                {"subtasks": [{"id": "a", "role": "backend", "title": "A", "dependsOn": ["b"]},
                              {"id": "b", "role": "backend", "title": "B", "dependsOn": ["a"]}]}""")
                .post("/api/tasks/" + id + "/approve").then().statusCode(400)
                .body("error", containsString("cycle"));
        given().get("/api/tasks/" + id).then().body("status", equalTo("awaiting-approval"));

        given().contentType(ContentType.JSON).body("{\"by\": \"bob\", \"reason\": \"too big\"}")
                .post("/api/tasks/" + id + "/reject").then().statusCode(200).body("status", equalTo("cancelled"));
        given().post("/api/tasks/" + id + "/approve").then().statusCode(409).body("error", containsString("cancelled"));
    }

    @Test
    void pauseCancelsWorkInFlightAndResumeFinishesTheTask() {
        String id = submit("pause", "auto", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !dispatches(id, "API").isEmpty());

        given().post("/api/tasks/" + id + "/pause?by=alice").then().statusCode(200).body("status", equalTo("paused"));
        JsonPath paused = given().get("/api/tasks/" + id).then().extract().jsonPath();
        assertEquals("pending", paused.getString("subtasks.find { it.key == 'b' }.status"));
        given().post("/api/tasks/" + id + "/pause").then().statusCode(409);

        given().post("/api/tasks/" + id + "/resume?by=alice").then().statusCode(200).body("status", equalTo("running"));
        awaitStatus(id, "completed");
        assertEquals(2, dispatches(id, "API").size());
    }

    @Test
    void stoppingOneAgentRunsItsSubtaskAgainAndFencesOutTheStoppedAttempt() {
        String id = submit("stop", "auto", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !dispatches(id, "API").isEmpty());
        SubtaskDispatch first = dispatches(id, "API").get(0);

        given().contentType(ContentType.JSON).header("Authorization", ALICE)
                .body("{\"by\": \"mallory\", \"reason\": \"stuck in a loop\"}")
                .post("/api/tasks/" + id + "/subtasks/b/stop").then().statusCode(200).body("status", equalTo("running"));
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatches(id, "API").size() == 2);
        SubtaskDispatch second = dispatches(id, "API").get(1);
        assertEquals(2, second.attempt());
        assertNotEquals(first.leaseToken(), second.leaseToken());
        assertFalse(second.escalate(), "a stop is not a failure");

        // What the worker of attempt 1 is told: the attempt left the running states, so it closes its model call.
        SubtaskStateChanged stopped = subtaskEvents(id, e -> e.attempt() == 1 && e.status() == SubtaskStatus.PENDING)
                .get(0);
        assertEquals(first.subtaskId(), stopped.subtaskId());
        assertTrue(stopped.reason().contains("stopped by alice: stuck in a loop"), stopped.reason());

        // The stopped attempt reports late; only attempt 2's result counts. One task's agent events are read in order.
        worker.send(new AgentCompleted(id, first.subtaskId(), 1, first.leaseToken(), "scripted-1", Role.BACKEND,
                ScriptedWorker.MODEL, new StructuredSummary("done", List.of("LATE result of attempt 1"), null),
                List.of(), new Usage(10, 20, null, null), null, List.of()));
        worker.send(started(second));
        worker.send(completed(second, null));
        JsonPath task = awaitStatus(id, "completed");

        assertEquals(2, task.getInt("subtasks.find { it.key == 'b' }.attempt"));
        assertEquals(List.of("cancelled", "completed"),
                task.getList("subtasks.find { it.key == 'b' }.attempts.outcome", String.class));
        assertTrue(task.getString("subtasks.find { it.key == 'b' }.attempts[0].reason").contains("stopped by alice"),
                task.getString("subtasks.find { it.key == 'b' }.attempts[0].reason"));
        assertFalse(task.getString("subtasks.find { it.key == 'b' }.summary").contains("LATE"),
                task.getString("subtasks.find { it.key == 'b' }.summary"));
        List<SubtaskDispatch> tests = dispatches(id, "Test");
        assertEquals(1, tests.size());
        assertTrue(tests.get(0).upstream().stream().noneMatch(u -> u.summary().keyPoints().toString().contains("LATE")),
                tests.get(0).upstream().toString());

        given().post("/api/tasks/" + id + "/subtasks/b/stop").then().statusCode(409)
                .body("error", containsString("only a dispatched or running subtask can be stopped"));
    }

    @Test
    void stoppingWithoutRetryCancelsTheSubtaskSkipsItsDependentsAndTheTeamCarriesOn() {
        String id = submit("stop-no-retry", "auto", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !dispatches(id, "API").isEmpty());
        SubtaskDispatch first = dispatches(id, "API").get(0);

        given().post("/api/tasks/" + id + "/subtasks/nope/stop").then().statusCode(404)
                .body("error", containsString("no subtask 'nope'"));
        given().post("/api/tasks/" + java.util.UUID.randomUUID() + "/subtasks/b/stop").then().statusCode(404);
        given().post("/api/tasks/" + id + "/subtasks/b/stop?retry=maybe").then().statusCode(400)
                .body("error", containsString("'retry' must be true"));
        given().post("/api/tasks/" + id + "/subtasks/a/stop").then().statusCode(409)
                .body("error", containsString("'a' is done"));

        given().post("/api/tasks/" + id + "/subtasks/" + first.subtaskId() + "/stop?retry=false").then().statusCode(200);
        JsonPath task = awaitStatus(id, "completed");

        assertEquals("cancelled", task.getString("subtasks.find { it.key == 'b' }.status"));
        assertEquals("skipped", task.getString("subtasks.find { it.key == 'd' }.status"));
        assertEquals("done", task.getString("subtasks.find { it.key == 'c' }.status"));
        assertEquals(1, dispatches(id, "API").size());
        assertTrue(dispatches(id, "Test").isEmpty(), "the tester depended on the stopped subtask");
        assertTrue(worker.receivedFor(id).stream().filter(d -> d.kind() == SubtaskKind.SUMMARY).findFirst()
                .orElseThrow().instructions().contains("b (API)"), "the summary names what did not run");
        assertTrue(subtaskEvents(id, e -> e.attempt() == 1 && e.status() == SubtaskStatus.CANCELLED).stream()
                .anyMatch(e -> e.subtaskId().equals(first.subtaskId())));
        given().post("/api/tasks/" + id + "/subtasks/b/stop").then().statusCode(409)
                .body("error", containsString("'b' is cancelled"));
    }

    @Test
    void theBudgetCapPausesTheTaskUntilItIsRaised() {
        String id = submit("budget", "auto", "0.005");
        JsonPath paused = awaitStatus(id, "paused");
        assertTrue(paused.getString("statusReason").contains("budget of $0.005 reached"), paused.getString("statusReason"));

        given().post("/api/tasks/" + id + "/resume").then().statusCode(409).body("error", containsString("higher budgetUsd"));
        given().post("/api/tasks/" + id + "/resume?budgetUsd=1.00").then().statusCode(200);
        JsonPath done = awaitStatus(id, "completed");
        assertEquals(0, new BigDecimal("0.012").compareTo(new BigDecimal(done.getString("costUsd"))), done.getString("costUsd"));
    }

    @Test
    void aSpawnedSubtaskRunsWithTheTeam() {
        String id = submit("spawn", "manual", null);
        awaitStatus(id, "awaiting-approval");

        given().contentType(ContentType.JSON)
                .body("{\"role\": \"reviewer\", \"title\": \"Security review\", \"dependsOn\": [\"b\"]}")
                .post("/api/tasks/" + id + "/subtasks").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"role\": \"juggler\", \"title\": \"x\"}")
                .post("/api/tasks/" + id + "/subtasks").then().statusCode(400).body("error", containsString("juggler"));
        given().post("/api/tasks/" + id + "/approve").then().statusCode(200);

        JsonPath task = awaitStatus(id, "completed");
        assertEquals("done", task.getString("subtasks.find { it.title == 'Security review' }.status"));
        assertEquals(1, dispatches(id, "Security review").size());
    }

    @Test
    void aQuestionToARoleWithNothingRunningIsAnsweredAndTheAskersDependentsWaitForIt() {
        String id = submit("question", "auto", null);
        JsonPath task = awaitStatus(id, "completed");

        assertEquals("done", task.getString("subtasks.find { it.kind == 'answer' }.status"));
        assertEquals("architect", task.getString("subtasks.find { it.kind == 'answer' }.role"));
        SubtaskDispatch test = dispatches(id, "Test").get(0);
        assertTrue(test.upstream().stream().anyMatch(u -> u.role() == Role.ARCHITECT && u.subtaskId().startsWith("answer")),
                "the tester waited for the answer: " + test.upstream());
        List<String> kinds = given().get("/api/tasks/" + id + "/messages").then().statusCode(200)
                .extract().jsonPath().getList("kind");
        assertEquals(List.of("question", "answer"), kinds);
        assertEquals("Port 8080.", given().get("/api/tasks/" + id + "/messages").then().extract().path("[1].text"));
    }

    @Test
    void aPersonCanMessageARoleAndItReachesTheNextPrompt() {
        String id = submit("message", "manual", null);
        awaitStatus(id, "awaiting-approval");

        // The sender is the caller's token; a 'from' in the body is ignored.
        given().contentType(ContentType.JSON).header("Authorization", ALICE)
                .body("{\"from\": \"mallory\", \"to\": {\"type\": \"role\", \"id\": \"backend\"}, \"text\": \"Use Postgres\"}")
                .post("/api/tasks/" + id + "/messages").then().statusCode(200).body("from.id", equalTo("alice"));
        given().contentType(ContentType.JSON).body("{\"to\": {\"type\": \"planet\", \"id\": \"x\"}, \"text\": \"hi\"}")
                .post("/api/tasks/" + id + "/messages").then().statusCode(400).body("error", containsString("to.type"));
        given().post("/api/tasks/" + id + "/approve").then().statusCode(200);
        awaitStatus(id, "completed");

        assertEquals("Use Postgres", dispatches(id, "API").get(0).inbox().get(0).text());
        assertTrue(dispatches(id, "UI").get(0).inbox().isEmpty(), "the frontend was not addressed");
    }

    @Test
    void aConflictAddsALeadMergeThatReadersOfTheArtifactWaitFor() throws Exception {
        String id = submit("conflict", "manual", null);
        awaitStatus(id, "awaiting-approval");

        ArtifactConflict conflict = new ArtifactConflict(id, "api.yaml", "conflict-7", 1, 2, "frontend", null, 1);
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(conflict))).get();
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(conflict))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("subtasks.findAll { it.kind == 'merge' }.size()", equalTo(1)));
        given().post("/api/tasks/" + id + "/approve").then().statusCode(200);
        JsonPath task = awaitStatus(id, "completed");

        SubtaskDispatch merge = worker.receivedFor(id).stream().filter(d -> d.kind() == SubtaskKind.MERGE).findFirst()
                .orElseThrow();
        assertEquals("conflict-7", merge.conflictId());
        assertEquals(Role.LEAD, merge.role());
        assertEquals(List.of("a", "merge-1"), task.getList("subtasks.find { it.key == 'b' }.dependsOn"));
        List<String> order = worker.receivedFor(id).stream().map(SubtaskDispatch::title).toList();
        assertTrue(order.indexOf("API") > order.indexOf(merge.title()), "the reader waited for the merge: " + order);
        assertEquals(1, worker.receivedFor(id).stream().filter(d -> d.kind() == SubtaskKind.MERGE).count(),
                "the completion that named the conflict again added no second merge: " + order);
        assertEquals(1, task.getList("subtasks.findAll { it.kind == 'merge' }").size());
    }

    @Test
    void aConflictNamedByTheWritersCompletionIsMergedBeforeReadersRunWhateverTheStoreSaysLater() throws Exception {
        String id = submit("conflict-first", "auto", null);

        // Only the completion has told the orchestrator so far: the merge runs, the reader of api.yaml waits.
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.receivedFor(id).stream()
                .anyMatch(d -> d.kind() == SubtaskKind.MERGE));
        SubtaskDispatch merge = worker.receivedFor(id).stream().filter(d -> d.kind() == SubtaskKind.MERGE).findFirst()
                .orElseThrow();
        assertEquals("conflict-9", merge.conflictId());
        JsonPath running = given().get("/api/tasks/" + id).then().extract().jsonPath();
        assertEquals(List.of("a", "merge-1"), running.getList("subtasks.find { it.key == 'b' }.dependsOn"));
        assertEquals("pending", running.getString("subtasks.find { it.key == 'b' }.status"));
        assertTrue(dispatches(id, "API").isEmpty(), "the reader was dispatched before the merge");

        // The store's announcement of the same conflict arrives later (twice), then one of another conflict.
        ArtifactConflict late = new ArtifactConflict(id, "api.yaml", "conflict-9", 1, 2, "architect", null, 1);
        ArtifactConflict other = new ArtifactConflict(id, "notes.md", "conflict-10", 1, 2, "architect", null, 1);
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(late))).get();
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(late))).get();
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(other))).get();
        }
        // One task's artifact events are read in order: once notes.md has its merge, the late ones were applied.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("subtasks.findAll { it.title == 'Merge conflicting changes to notes.md' }.size()", equalTo(1)));
        given().get("/api/tasks/" + id).then()
                .body("subtasks.findAll { it.title == 'Merge conflicting changes to api.yaml' }.size()", equalTo(1));

        worker.send(started(merge));
        worker.send(completed(merge, null));
        JsonPath task = awaitStatus(id, "completed");

        assertEquals(1, dispatches(id, merge.title()).size());
        List<String> order = worker.receivedFor(id).stream().map(SubtaskDispatch::title).toList();
        assertTrue(order.indexOf("API") > order.indexOf(merge.title()), "the reader waited for the merge: " + order);
        assertEquals("done", task.getString("subtasks.find { it.key == 'b' }.status"));
    }

    @Test
    void templatesRunTheirFixedPlanWithoutPlanning() {
        for (String template : List.of("code-review", "design-review")) {
            String id = given().contentType(ContentType.JSON)
                    .body(Map.of("description", "Review the payment module", "template", template))
                    .post("/api/tasks").then().statusCode(201).extract().path("id");
            JsonPath task = awaitStatus(id, "completed");
            assertFalse(worker.receivedFor(id).stream().anyMatch(d -> d.kind() == SubtaskKind.PLAN), template);
            assertEquals(4, task.getList("subtasks").size(), template);
        }
        given().contentType(ContentType.JSON).body(Map.of("description", "x", "template", "haiku"))
                .post("/api/tasks").then().statusCode(400).body("error", containsString("code-review, design-review"));
    }

    private static String submit(String scenario, String approval, String budget) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("title", scenario, "description", scenario,
                "approvalMode", approval));
        if (budget != null) {
            body.put("budgetUsd", budget);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/tasks").then().statusCode(201)
                .extract().path("id");
    }

    private static JsonPath awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/tasks/" + id).then().statusCode(200).body("status", equalTo(status)));
        return given().get("/api/tasks/" + id).then().extract().jsonPath();
    }

    private static List<SubtaskDispatch> dispatches(String taskId, String title) {
        return worker.receivedFor(taskId).stream().filter(d -> d.title().equals(title)).toList();
    }

    private static List<TaskEvent> taskEvents(String id) {
        return TopicReader.read(Topics.TASK_EVENTS,
                        read -> read.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("awaiting-approval")),
                        Duration.ofSeconds(20), Duration.ZERO).stream()
                .filter(r -> id.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), TaskEvent.class))
                .toList();
    }

    /** The task's subtask state changes that match, once at least one is on the topic. */
    private static List<SubtaskStateChanged> subtaskEvents(String id, Predicate<SubtaskStateChanged> match) {
        List<SubtaskStateChanged> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found.clear();
            TopicReader.readAll(Topics.TASK_EVENTS).stream()
                    .filter(r -> id.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value(), TaskEvent.class))
                    .filter(SubtaskStateChanged.class::isInstance).map(SubtaskStateChanged.class::cast)
                    .filter(match).forEach(found::add);
            return !found.isEmpty();
        });
        return found;
    }

}
