package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEscalated;
import dev.cohort.testsupport.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cohort's main job end to end, with every service a separate process on the real broker and database, and the
 * model simulator answering the real Ollama and OpenAI-protocol clients over HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamFlowIT {

    static final String TODO = "Build a todo REST API with a web front end";
    static CohortStack stack;

    @BeforeAll
    static void start() {
        stack = new CohortStack("flow", 2);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void reset() {
        stack.resetSimulator();
    }

    @Test
    @Order(1)
    void aTaskRunsFromPlanToSummaryInDependencyOrderWithIndependentWorkInParallel() {
        String id = submit(TODO);
        JsonPath task = awaitStatus(id, "completed", 120);

        // The simulator's plan: design, then backend and frontend, then review and test, then the lead's summary.
        assertEquals(List.of("plan", "design", "backend", "frontend", "review", "test", "summary"),
                task.getList("subtasks.key"));
        assertAfter(task, "backend", "design");
        assertAfter(task, "frontend", "design");
        for (String last : List.of("review", "test")) {
            assertAfter(task, last, "backend");
            assertAfter(task, last, "frontend");
        }
        assertAfter(task, "summary", "review");
        assertAfter(task, "summary", "test");
        assertFalse(task.getString("summary").isBlank());
        assertFalse(task.getString("summary").contains("```summary"), "the summary is prose, without its JSON block");

        // Backend and frontend ran at the same time: their model calls overlapped at the simulator.
        JsonPath calls = given().baseUri(stack.simulator.url()).get("/sim/calls").then().extract().jsonPath();
        Map<String, Object> backend = call(calls, "backend");
        Map<String, Object> frontend = call(calls, "frontend");
        assertTrue(Instant.parse((String) backend.get("startedAt")).isBefore(Instant.parse((String) frontend.get("endedAt")))
                && Instant.parse((String) frontend.get("startedAt")).isBefore(Instant.parse((String) backend.get("endedAt"))),
                "backend " + backend + " and frontend " + frontend + " should overlap");

        // The agents' work is in the context store, written by the roles that did it.
        JsonPath artifacts = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + id + "/artifacts")
                .then().statusCode(200).extract().jsonPath();
        List<String> keys = artifacts.getList("key");
        assertTrue(keys.contains("plan") && keys.contains("summary"), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.endsWith(".java")), keys.toString());
        assertTrue(task.getLong("promptTokens") > 0 && task.getLong("completionTokens") > 0);
        assertTrue(task.getDouble("costUsd") > 0, "the lead's cloud model is priced: " + task.getString("costUsd"));
    }

    @Test
    @Order(2)
    void aCyclicPlanIsSentBackAndRepairedAndOneThatStaysInvalidFailsTheTask() {
        fault(Map.of("role", "lead", "kind", "plan", "action", "cyclic-plan", "times", 1));
        String repaired = submit("Build a notes REST API");
        JsonPath task = awaitStatus(repaired, "completed", 120);
        assertEquals(2, task.getInt("subtasks.find { it.key == 'plan' }.attempt"));
        assertEquals(2, counter("byKind", "plan"));

        stack.resetSimulator();
        fault(Map.of("role", "lead", "kind", "plan", "action", "invalid-plan"));
        String broken = submit("Build a calendar REST API");
        JsonPath failed = awaitStatus(broken, "failed", 120);
        assertTrue(failed.getString("statusReason").contains("still invalid after 3 tries"), failed.getString("statusReason"));
    }

    @Test
    @Order(3)
    void aFailingModelCallIsRetriedAndOneThatKeepsFailingFailsTheTaskCleanly() {
        fault(Map.of("model", "sim-backend", "action", "fail", "status", 500, "times", 2));
        String flaky = submit("Build a bookmarks REST API");
        awaitStatus(flaky, "completed", 120);
        assertTrue(counter("byModel", "sim-backend") >= 3, "two failures, then a success");

        stack.resetSimulator();
        fault(Map.of("model", "sim-backend*", "action", "fail", "status", 500));
        String broken = submit("Build a weather REST API");
        JsonPath failed = awaitStatus(broken, "failed", 180);
        assertTrue(failed.getString("statusReason").contains("'backend' (backend) failed after"), failed.getString("statusReason"));
        assertEquals("skipped", failed.getString("subtasks.find { it.key == 'review' }.status"));
    }

    @Test
    @Order(4)
    void anOrchestratorRestartedMidTaskFinishesItWithoutPlanningAgainOrRedoingWork() {
        String id = submit("Build a recipes REST API with a web front end");
        await().atMost(Duration.ofSeconds(60)).until(() -> given().baseUri(stack.orchestrator.url())
                .get("/api/tasks/" + id).then().extract().jsonPath()
                .getList("subtasks.findAll { it.key == 'backend' && it.status == 'running' }").size() == 1);

        stack.orchestrator.close();
        stack.startOrchestrator();
        JsonPath task = awaitStatus(id, "completed", 120);

        assertEquals(1, counter("byKind", "plan"), "planned once");
        for (String role : List.of("architect", "backend", "frontend", "reviewer", "tester")) {
            assertEquals(1, counter("byRole", role), role + " called once");
        }
        assertEquals(2, counter("byRole", "lead"), "the plan and the summary");
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1), task.getList("subtasks.attempt"));
    }

    @Test
    @Order(5)
    void afterRepeatedFailuresOfTheLocalModelTheSubtaskEscalatesToTheCloudModelAndCompletes() {
        // The backend's local model always fails; its escalation model (OpenRouter protocol) works.
        fault(Map.of("model", "sim-backend", "action", "fail", "status", 500));
        String id = submit("Build a parking REST API with a web front end");
        JsonPath task = awaitStatus(id, "completed", 180);

        assertEquals(3, task.getInt("subtasks.find { it.key == 'backend' }.attempt"));
        assertEquals(List.of("failed", "failed", "completed"),
                task.getList("subtasks.find { it.key == 'backend' }.attempts.outcome"));
        assertEquals("openrouter", task.getString("subtasks.find { it.key == 'backend' }.provider"));
        assertEquals("sim-backend-large", task.getString("subtasks.find { it.key == 'backend' }.model"));
        assertTrue(counter("byModel", "sim-backend-large") >= 1);

        List<String> escalations = TopicReader.readAll(Topics.AGENT_EVENTS).stream()
                .filter(r -> id.equals(r.key()) && r.value().contains("\"agent.escalated\""))
                .map(r -> r.value()).toList();
        assertEquals(1, escalations.size(), escalations.toString());
        AgentEscalated escalated = EventCodec.decode(escalations.get(0), AgentEscalated.class);
        assertEquals("ollama/sim-backend", escalated.from().toString());
        assertEquals("openrouter/sim-backend-large", escalated.to().toString());
        assertTrue(escalated.reason().contains("2 failed attempt(s)"), escalated.reason());
    }

    @Test
    @Order(6)
    void aWorkerKilledMidSubtaskIsReplacedAndTheSubtaskCompletesOnAnother() {
        // A slow backend model, so the backend's worker can be killed while it is generating.
        given().baseUri(stack.simulator.url()).contentType(ContentType.JSON)
                .body(Map.of("tokensPerSecond", 20, "answerTokens", 200))
                .put("/sim/models/sim-backend").then().statusCode(200);
        String id = submit("Build a library REST API with a web front end");
        String[] agent = new String[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonPath t = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + id).then().extract().jsonPath();
            agent[0] = t.getString("subtasks.find { it.key == 'backend' && it.status == 'running' }.agentId");
            return agent[0] != null;
        });
        String victim = agent[0].substring(0, agent[0].indexOf('/'));
        stack.worker(victim).kill();

        JsonPath task = awaitStatus(id, "completed", 180);
        given().baseUri(stack.simulator.url()).delete("/sim/models/sim-backend");
        String finisher = task.getString("subtasks.find { it.key == 'backend' }.agentId");
        assertNotEquals(victim, finisher.substring(0, finisher.indexOf('/')), "another worker finished the backend");
        assertEquals("done", task.getString("subtasks.find { it.key == 'backend' }.status"));
    }

    @Test
    @Order(7)
    void twoAgentsChangingOneFileAreMergedByTheLeadAndNothingEitherWroteIsLost() {
        // Asked for a README, the simulator's plan has the backend and the frontend both write README.md, at once and
        // from the same (absent) base: the second write is a conflict that the lead merges.
        String id = submit("Build a todo REST API with a web front end, documented in a README");
        JsonPath task = awaitStatus(id, "completed", 180);

        JsonPath conflicts = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + id + "/conflicts")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("README.md"), conflicts.getList("key"));
        assertEquals(List.of("resolved"), conflicts.getList("status"));

        List<String> merges = task.getList("subtasks.findAll { it.kind == 'merge' }.key");
        assertEquals(1, merges.size(), task.getList("subtasks.key").toString());
        assertEquals("done", task.getString("subtasks.find { it.kind == 'merge' }.status"));
        assertEquals("lead", task.getString("subtasks.find { it.kind == 'merge' }.role"));
        assertAfter(task, merges.get(0), "backend");
        assertAfter(task, merges.get(0), "frontend");
        assertAfter(task, "review", merges.get(0));

        String readme = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + id + "/artifacts/README.md")
                .then().statusCode(200).extract().path("content");
        assertTrue(readme.contains("## Running the API") && readme.contains("## The page"),
                "the merged README keeps the backend's and the frontend's sections:\n" + readme);
        assertEquals(1, counter("byKind", "merge"), "one merge call to the lead's model");
    }

    @Test
    @Order(8)
    void cancellingARunningTaskClosesTheModelStreamOnWhicheverWorkerRunsIt() {
        // A slow backend model: its answer would take over a minute.
        given().baseUri(stack.simulator.url()).contentType(ContentType.JSON)
                .body(Map.of("tokensPerSecond", 5, "answerTokens", 400))
                .put("/sim/models/sim-backend").then().statusCode(200);
        try {
            String id = submit("Build a garden REST API with a web front end");
            await().atMost(Duration.ofSeconds(60)).until(() -> "running".equals(backendCallOutcome()));

            given().baseUri(stack.orchestrator.url()).post("/api/tasks/" + id + "/cancel").then().statusCode(200);
            awaitStatus(id, "cancelled", 30);
            // Two workers, each with some of the task-events partitions in a shared group, would leave this to
            // chance: every worker sees every cancel, and the one streaming the backend's answer hangs up.
            await().atMost(Duration.ofSeconds(20)).until(() -> "client-closed".equals(backendCallOutcome()));
        } finally {
            given().baseUri(stack.simulator.url()).delete("/sim/models/sim-backend");
        }
    }

    @Test
    @Order(9)
    void aQuestionFromOneAgentIsAnsweredByAnotherRoleAndTheAskersDependentsWaitForTheAnswer() {
        String id = submit("Build a todo REST API with a web front end; the page should ask the architect which port "
                + "the API uses");
        JsonPath task = awaitStatus(id, "completed", 180);

        List<String> answers = task.getList("subtasks.findAll { it.kind == 'answer' }.key");
        assertEquals(1, answers.size(), task.getList("subtasks.key").toString());
        assertEquals("architect", task.getString("subtasks.find { it.kind == 'answer' }.role"));
        assertEquals("done", task.getString("subtasks.find { it.kind == 'answer' }.status"));
        assertAfter(task, answers.get(0), "frontend");
        assertAfter(task, "review", answers.get(0));
        assertAfter(task, "test", answers.get(0));

        JsonPath messages = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + id + "/messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("Which port does the todo API listen on?",
                messages.getString("find { it.kind == 'question' && it.to.id == 'architect' }.text"));
        String reply = messages.getString("find { it.kind == 'answer' }.text");
        assertTrue(reply != null && reply.contains("api/openapi.yaml"), "the architect's answer: " + messages.prettify());
        assertFalse(reply.contains("```summary"), reply);
    }

    @Test
    @Order(10)
    void bothWorkflowTemplatesRunTheirFixedPlanWithoutAPlanningCall() {
        for (String template : List.of("code-review", "design-review")) {
            String id = given().baseUri(stack.orchestrator.url()).contentType(ContentType.JSON)
                    .body(Map.of("description", "Review the todo service", "template", template))
                    .post("/api/tasks").then().statusCode(201).extract().path("id");
            JsonPath task = awaitStatus(id, "completed", 180);
            assertFalse(task.getList("subtasks.kind").contains("plan"), template + ": " + task.getList("subtasks.key"));
            assertTrue(task.getList("subtasks").size() >= 2, template + ": " + task.getList("subtasks.key"));
        }
        assertEquals(0, counter("byKind", "plan"), "no planning call for either template");
    }

    @Test
    @Order(11)
    void aPlanWaitingForApprovalSurvivesAnOrchestratorRestartAndRunsAsEdited() {
        String id = given().baseUri(stack.orchestrator.url()).contentType(ContentType.JSON)
                .body(Map.of("description", "Build a quotes REST API with a web front end", "approvalMode", "manual"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        awaitStatus(id, "awaiting-approval", 120);

        stack.orchestrator.close();
        stack.startOrchestrator();
        awaitStatus(id, "awaiting-approval", 60);

        // The person drops the tests and moves the review onto the backend alone.
        String proposed = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + id + "/artifacts/plan")
                .then().statusCode(200).extract().path("content");
        List<Map<String, Object>> plan = JsonPath.from(proposed).getList("subtasks");
        List<Map<String, Object>> edited = new java.util.ArrayList<>();
        for (Map<String, Object> s : plan) {
            if (s.get("id").equals("test")) {
                continue;
            }
            Map<String, Object> copy = new java.util.HashMap<>(s);
            if (s.get("id").equals("review")) {
                copy.put("dependsOn", List.of("backend"));
            }
            edited.add(copy);
        }
        given().baseUri(stack.orchestrator.url()).contentType(ContentType.JSON)
                .body(Map.of("by", "alice", "subtasks", edited))
                .post("/api/tasks/" + id + "/approve").then().statusCode(200);
        JsonPath task = awaitStatus(id, "completed", 180);

        assertEquals(List.of("plan", "design", "backend", "frontend", "review", "summary"), task.getList("subtasks.key"));
        assertAfter(task, "review", "backend");
        assertEquals(0, counter("byRole", "tester"), "the dropped subtask never ran");
        assertEquals(1, counter("byKind", "plan"), "approved, not planned again after the restart");
    }

    @Test
    @Order(12)
    void aTaskPausesAtItsBudgetAndFinishesWhenThePersonRaisesIt() {
        // The lead's planning call on the priced cloud model alone costs more than this budget.
        String id = given().baseUri(stack.orchestrator.url()).contentType(ContentType.JSON)
                .body(Map.of("description", "Build a tickets REST API with a web front end", "budgetUsd", "0.0001"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        JsonPath paused = awaitStatus(id, "paused", 120);
        assertTrue(paused.getString("statusReason").contains("budget"), paused.getString("statusReason"));
        assertTrue(paused.getDouble("costUsd") > 0.0001, "paused because the spend passed the budget: " + paused.getString("costUsd"));

        given().baseUri(stack.orchestrator.url()).post("/api/tasks/" + id + "/resume?budgetUsd=5").then().statusCode(200);
        awaitStatus(id, "completed", 180);
    }

    @Test
    @Order(13)
    void aTaskOnSloppyLocalModelsCompletesEscalatingOnlyWhereTheAnswersStayedUnusable() {
        // Each local model answers as small models do: readable with care, except the tester's, always cut short.
        Map<String, String> styles = Map.of("sim-architect", "sloppy", "sim-backend", "two-files",
                "sim-frontend", "comment-path", "sim-tester", "cut");
        try {
            styles.forEach((model, style) -> given().baseUri(stack.simulator.url()).contentType(ContentType.JSON)
                    .body(Map.of("style", style)).put("/sim/models/" + model).then().statusCode(200));
            String id = submit("Build a library REST API with a web front end");
            JsonPath task = awaitStatus(id, "completed", 240);

            // What a careful reader can read is read: one attempt each, the files stored.
            for (String key : List.of("design", "backend", "frontend")) {
                assertEquals(List.of("completed"), task.getList("subtasks.find { it.key == '" + key + "' }.attempts"
                        + ".outcome"), key);
                assertFalse(task.getList("subtasks.find { it.key == '" + key + "' }.artifacts").isEmpty(),
                        key + " stored its files");
            }
            // An answer always cut at the token limit is unusable: two failed attempts (each of three calls, the
            // retries told why), then the escalation model finishes it.
            assertEquals(List.of("failed", "failed", "completed"),
                    task.getList("subtasks.find { it.key == 'test' }.attempts.outcome"));
            assertEquals(List.of("invalid-output", "invalid-output"),
                    task.getList("subtasks.find { it.key == 'test' }.attempts.findAll { it.outcome == 'failed' }"
                            + ".failureKind"));
            assertEquals("sim-tester-large", task.getString("subtasks.find { it.key == 'test' }.model"));
            long escalations = TopicReader.readAll(Topics.AGENT_EVENTS).stream()
                    .filter(r -> id.equals(r.key()) && r.value().contains("\"agent.escalated\"")).count();
            assertEquals(1, escalations, "only the tester escalated");

            JsonPath calls = given().baseUri(stack.simulator.url()).get("/sim/calls").then().extract().jsonPath();
            assertEquals(List.of("two-files"), calls.getList("findAll { it.model == 'sim-backend' }.style"));
            assertEquals(List.of("comment-path"), calls.getList("findAll { it.model == 'sim-frontend' }.style"));
            assertEquals(6, calls.getList("findAll { it.model == 'sim-tester' && it.outcome == 'length' }").size(),
                    "the tester's two attempts made three calls each, every one cut");
        } finally {
            styles.keySet().forEach(model -> given().baseUri(stack.simulator.url()).delete("/sim/models/" + model));
        }
    }

    private static String backendCallOutcome() {
        return given().baseUri(stack.simulator.url()).get("/sim/calls").then().extract()
                .path("find { it.role == 'backend' }.outcome");
    }

    private static String submit(String description) {
        return stack.submit(description);
    }

    private static JsonPath awaitStatus(String id, String status, int seconds) {
        return stack.awaitStatus(id, status, seconds);
    }

    private static void assertAfter(JsonPath task, String later, String earlier) {
        Instant started = Instant.parse(task.getString("subtasks.find { it.key == '" + later + "' }.startedAt"));
        Instant finished = Instant.parse(task.getString("subtasks.find { it.key == '" + earlier + "' }.finishedAt"));
        assertFalse(started.isBefore(finished), later + " started " + started + " before " + earlier + " finished " + finished);
    }

    private static Map<String, Object> call(JsonPath calls, String role) {
        return calls.getMap("find { it.role == '" + role + "' && it.outcome == 'ok' }");
    }

    private static void fault(Map<String, Object> rule) {
        given().baseUri(stack.simulator.url()).contentType(ContentType.JSON).body(rule)
                .post("/sim/faults").then().statusCode(201);
    }

    private static int counter(String group, String key) {
        Object value = given().baseUri(stack.simulator.url()).get("/sim/counters").then().extract().path(group + ".'" + key + "'");
        return value == null ? 0 : ((Number) value).intValue();
    }
}
