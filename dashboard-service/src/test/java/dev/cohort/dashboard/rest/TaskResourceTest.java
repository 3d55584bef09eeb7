package dev.cohort.dashboard.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.StubServer;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskResourceTest {

    @ConfigProperty(name = "cohort.dashboard.orchestrator-url")
    String orchestratorUrl;

    @ConfigProperty(name = "cohort.dashboard.context-store-url")
    String contextStoreUrl;

    @Inject
    CircuitBreakerMaintenance breakers;

    StubServer.Remote orchestrator;
    StubServer.Remote contextStore;

    @BeforeEach
    void stubs() {
        orchestrator = new StubServer.Remote(orchestratorUrl);
        contextStore = new StubServer.Remote(contextStoreUrl);
        orchestrator.reset();
        contextStore.reset();
        breakers.resetAll();
    }

    @AfterEach
    void closeBreakers() {
        // An open breaker would fail the next test class's calls for its whole delay.
        breakers.resetAll();
    }

    @Test
    void commandsReachTheOrchestratorWithTheirBodies() throws Exception {
        orchestrator.respond("POST", "/api/tasks", 201, json("{\"id\":\"t1\",\"status\":\"submitted\"}"));
        given().contentType("application/json")
                .body("{\"title\":\"Todo\",\"description\":\"Build it\",\"roles\":[\"backend\"],\"approvalMode\":\"manual\"}")
                .when().post("/api/tasks")
                .then().statusCode(201).body("id", equalTo("t1"));
        given().contentType("application/json").body("{\"subtasks\":[{\"id\":\"api\"}]}")
                .when().post("/api/tasks/t1/approve").then().statusCode(200);
        given().contentType("application/json").body("{\"to\":{\"type\":\"role\",\"id\":\"backend\"},\"kind\":\"note\",\"text\":\"hi\"}")
                .when().post("/api/tasks/t1/messages").then().statusCode(200);
        given().contentType("application/json").when().post("/api/tasks/t1/pause").then().statusCode(200);

        JsonNode submitted = EventCodec.mapper().readTree(orchestrator.requests("POST", "/api/tasks").get(0).get("body").asText());
        assertEquals("manual", submitted.get("approvalMode").asText());
        assertEquals("api", EventCodec.mapper().readTree(orchestrator.requests("POST", "/api/tasks/t1/approve").get(0)
                .get("body").asText()).at("/subtasks/0/id").asText());
        assertEquals("backend", EventCodec.mapper().readTree(orchestrator.requests("POST", "/api/tasks/t1/messages").get(0)
                .get("body").asText()).at("/to/id").asText());
        assertEquals(1, orchestrator.requests("POST", "/api/tasks/t1/pause").size());
    }

    @Test
    void resumeTakesANewBudgetToTheOrchestratorAsItsQueryParameter() {
        given().contentType("application/json").when().post("/api/tasks/t1/resume?budgetUsd=5.00").then().statusCode(200);
        given().contentType("application/json").when().post("/api/tasks/t1/resume").then().statusCode(200);
        given().contentType("application/json").when().post("/api/tasks/t1/pause?budgetUsd=5.00").then().statusCode(200);

        List<JsonNode> resumes = orchestrator.requests("POST", "/api/tasks/t1/resume");
        assertEquals(2, resumes.size());
        assertEquals("budgetUsd=5.00", resumes.get(0).get("query").asText());
        assertTrue(resumes.get(1).get("query").isNull(), "no budget, no parameter");
        assertTrue(orchestrator.requests("POST", "/api/tasks/t1/pause").get(0).get("query").isNull(),
                "a budget means something to resume only");
    }

    @Test
    void aRefusalComesBackInTheOrchestratorsWords() throws Exception {
        orchestrator.respond("POST", "/api/tasks/t2/approve", 409,
                json("{\"status\":409,\"error\":\"task t2 is running, not awaiting approval\",\"detail\":null}"));
        given().contentType("application/json").body("{}")
                .when().post("/api/tasks/t2/approve")
                .then().statusCode(409)
                .body("error", equalTo("The orchestrator could not approve task t2: task t2 is running, not awaiting approval"));
        orchestrator.respond("GET", "/api/tasks", 500, json("{\"status\":500,\"error\":\"internal error\"}"));
        given().when().get("/api/tasks").then().statusCode(502)
                .body("error", containsString("The orchestrator failed to list tasks"));
    }

    @Test
    void stoppingOneAgentReachesTheOrchestratorWithItsRetryAndBody() throws Exception {
        given().contentType("application/json").body("{\"reason\":\"stuck in a loop\"}")
                .when().post("/api/tasks/t1/subtasks/api/stop")
                .then().statusCode(200);
        given().contentType("application/json").when().post("/api/tasks/t1/subtasks/api/stop?retry=false")
                .then().statusCode(200);

        List<JsonNode> stops = orchestrator.requests("POST", "/api/tasks/t1/subtasks/api/stop");
        assertEquals(2, stops.size());
        assertTrue(stops.get(0).get("query").isNull(), "no retry given, none sent: the orchestrator's default holds");
        assertEquals("stuck in a loop", json(stops.get(0).get("body").asText()).get("reason").asText());
        assertEquals("retry=false", stops.get(1).get("query").asText());
        assertEquals("", stops.get(1).get("body").asText(), "no body, none sent");
    }

    @Test
    void aRefusedStopComesBackInTheOrchestratorsWords() throws Exception {
        orchestrator.respond("POST", "/api/tasks/t3/subtasks/api/stop", 409, json("{\"status\":409,\"error\":"
                + "\"subtask 'api' is done; only a dispatched or running subtask can be stopped\",\"detail\":null}"));
        given().contentType("application/json").when().post("/api/tasks/t3/subtasks/api/stop")
                .then().statusCode(409)
                .body("error", equalTo("The orchestrator could not stop subtask 'api': "
                        + "subtask 'api' is done; only a dispatched or running subtask can be stopped"));
        orchestrator.respond("POST", "/api/tasks/t3/subtasks/api/stop", 400, json("{\"status\":400,\"error\":"
                + "\"'retry' must be true (run the subtask again) or false (cancel it and skip what depends on it), "
                + "was 'maybe'\"}"));
        given().contentType("application/json").when().post("/api/tasks/t3/subtasks/api/stop?retry=maybe")
                .then().statusCode(400).body("error", containsString("'retry' must be true"));
        assertEquals("retry=maybe", orchestrator.requests("POST", "/api/tasks/t3/subtasks/api/stop").get(1)
                .get("query").asText(), "the orchestrator judges the value");
    }

    @Test
    void leaseTokensInTheOrchestratorsAnswersNeverReachTheCaller() throws Exception {
        orchestrator.respond("GET", "/api/tasks/t4", 200, json("{\"id\":\"t4\",\"budgetUsd\":1.50,\"subtasks\":[{\"key\":\"api\","
                + "\"attempts\":[{\"attempt\":1,\"leaseToken\":\"lease-secret-1\",\"agentId\":\"backend-1\"}]}],"
                + "\"leaseToken\":\"lease-secret-0\"}"));
        String body = given().when().get("/api/tasks/t4").then().statusCode(200)
                .body("subtasks[0].attempts[0].agentId", equalTo("backend-1"))
                .body("budgetUsd", equalTo(1.50f))
                .extract().asString();
        assertFalse(body.contains("leaseToken") || body.contains("lease-secret"), body);
        orchestrator.respond("GET", "/api/tasks", 200, json("[{\"id\":\"t4\",\"leaseToken\":\"lease-secret-2\"}]"));
        assertFalse(given().when().get("/api/tasks").then().statusCode(200).extract().asString().contains("lease-secret"));
    }

    @Test
    void anUnknownCommandIsNotForwarded() {
        given().contentType("application/json").when().post("/api/tasks/t1/explode").then().statusCode(404);
        assertEquals(List.of(), orchestrator.requests());
    }

    @Test
    void artifactReadsAreForwardedToTheContextStoreWithTheirPathsIntact() throws Exception {
        contextStore.respond("GET", "/api/tasks/t1/artifacts/src/main/App.java", 200,
                json("{\"key\":\"src/main/App.java\",\"version\":2,\"content\":\"class App {}\"}"));
        contextStore.respond("GET", "/api/tasks/t1/diff/src/main/App.java", 200, new TextNode("--- a\n+++ b\n"));
        given().when().get("/api/context/tasks/t1/artifacts/src/main/App.java?version=2")
                .then().statusCode(200).body("content", equalTo("class App {}"));
        given().when().get("/api/context/tasks/t1/diff/src/main/App.java?from=1&to=2")
                .then().statusCode(200).body(containsString("+++ b"));
        assertEquals("version=2", contextStore.requests("GET", "/api/tasks/t1/artifacts/src/main/App.java")
                .get(0).get("query").asText());
        contextStore.respond("GET", "/api/tasks/t1/artifacts/missing", 404,
                json("{\"status\":404,\"error\":\"unknown-artifact\",\"detail\":\"no artifact 'missing'\"}"));
        given().when().get("/api/context/tasks/t1/artifacts/missing").then().statusCode(404)
                .body("detail", equalTo("no artifact 'missing'"));
        contextStore.respond("GET", "/api/tasks/t1/conflicts", 500, json("{\"status\":500,\"error\":\"internal error\"}"));
        given().when().get("/api/context/tasks/t1/conflicts").then().statusCode(502)
                .body("error", equalTo("The context store failed to read tasks/t1/conflicts (HTTP 500): internal error"));
        given().when().get("/api/context/tasks/t1/checkpoints/x/rollback").then().statusCode(404)
                .body("error", containsString("does not forward"));
    }

    @Test
    void aReadIsRetriedAfterTheUpstreamWasUnavailableOnce() throws Exception {
        orchestrator.respond("GET", "/api/tasks/t1", 503, json("{\"status\":503,\"error\":\"starting\"}"), 1);
        orchestrator.respond("GET", "/api/tasks/t1", 200, json("{\"id\":\"t1\"}"));
        given().when().get("/api/tasks/t1").then().statusCode(200).body("id", equalTo("t1"));

        List<JsonNode> reads = orchestrator.requests("GET", "/api/tasks/t1");
        assertEquals(2, reads.size());
        assertTrue(reads.get(1).get("authorization").asText().startsWith("Bearer "),
                "the retry still carries the caller's token: " + reads.get(1));

        contextStore.respond("GET", "/api/tasks/t1/conflicts", 502, json("{}"), 1);
        contextStore.respond("GET", "/api/tasks/t1/conflicts", 200, json("[]"));
        given().when().get("/api/context/tasks/t1/conflicts").then().statusCode(200);
        assertEquals(2, contextStore.requests("GET", "/api/tasks/t1/conflicts").size());
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        orchestrator.respond("GET", "/api/tasks/t2", 404, json("{\"status\":404,\"error\":\"no task t2\"}"));
        given().when().get("/api/tasks/t2").then().statusCode(404);
        assertEquals(1, orchestrator.requests("GET", "/api/tasks/t2").size());
    }

    @Test
    void aCommandIsNotRetried() throws Exception {
        orchestrator.respond("POST", "/api/tasks/t1/pause", 503, json("{\"status\":503,\"error\":\"starting\"}"), 1);
        given().contentType("application/json").when().post("/api/tasks/t1/pause").then().statusCode(502);
        orchestrator.respond("POST", "/api/tasks", 503, json("{\"status\":503,\"error\":\"starting\"}"), 1);
        given().contentType("application/json").body("{\"title\":\"Todo\"}").when().post("/api/tasks")
                .then().statusCode(502);

        assertEquals(1, orchestrator.requests("POST", "/api/tasks/t1/pause").size());
        assertEquals(1, orchestrator.requests("POST", "/api/tasks").size());
    }

    @Test
    void anOpenBreakerAnswers503AtOnceWithoutCallingTheUpstream() throws Exception {
        orchestrator.respond("GET", "/api/tasks", 503, json("{\"status\":503,\"error\":\"down\"}"));
        // Each read tries three times; two reads are more than the breaker's window of 4 calls needs.
        given().when().get("/api/tasks").then().statusCode(502);
        given().when().get("/api/tasks").then().statusCode(503);
        int calls = orchestrator.requests().size();

        long start = System.nanoTime();
        given().when().get("/api/tasks").then().statusCode(503)
                .body("error", equalTo("The orchestrator is not reachable, so the dashboard could not list tasks; "
                        + "it tries the orchestrator again in a few seconds"));
        given().contentType("application/json").when().post("/api/tasks/t1/pause").then().statusCode(503)
                .body("error", equalTo("The orchestrator is not reachable, so the dashboard could not pause task t1; "
                        + "it tries the orchestrator again in a few seconds"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(calls, orchestrator.requests().size(), "the open breaker keeps calls from the orchestrator");
        assertTrue(millis < 2000, "answered at once, not after a timeout: " + millis + " ms");
        contextStore.respond("GET", "/api/tasks/t1/conflicts", 200, json("[]"));
        given().when().get("/api/context/tasks/t1/conflicts").then().statusCode(200);
    }

    private static JsonNode json(String text) throws Exception {
        return EventCodec.mapper().readTree(text);
    }
}
