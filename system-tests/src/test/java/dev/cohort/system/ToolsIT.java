package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.testsupport.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents that act, end to end: workers whose backend (OpenAI protocol) and tester (Ollama's) work through native
 * tool calls, the tester running the team's code in the bubblewrap sandbox, and the orchestrator's verify loop
 * sending a failing check back to its author for a fix and a new check.
 */
class ToolsIT {

    static CohortStack stack;

    @BeforeAll
    static void start() {
        stack = new CohortStack("tools", 1, List.of(), Map.of(
                "COHORT_ROLES_BACKEND_PROVIDER", "openrouter",
                "COHORT_ROLES_BACKEND_TOOL_MODE", "native",
                "COHORT_ROLES_TESTER_TOOL_MODE", "native",
                "COHORT_ROLES_TESTER_COMMANDS", "node",
                "COHORT_ROLES_REVIEWER_TOOL_MODE", "native"));
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
    void aBrokenFileFailsTheTestsReachesItsAuthorIsFixedAndTheNextCheckPasses() {
        given().baseUri(stack.simulator.url()).contentType(ContentType.JSON).body("{\"style\": \"broken-first\"}")
                .put("/sim/models/sim-backend").then().statusCode(200);
        try {
            String id = submit("Build a todo store and run its tests");
            JsonPath task = awaitStatus(id, "completed", 240);

            List<String> keys = task.getList("subtasks.key");
            assertEquals(List.of("plan", "design", "backend", "test", "test-fix-1-backend", "test-recheck-2",
                    "summary"), keys);
            assertFalse(task.getBoolean("subtasks.find { it.key == 'test' }.verification.passed"));
            assertTrue(task.getBoolean("subtasks.find { it.key == 'test-recheck-2' }.verification.passed"));
            assertTrue(task.getString("summary").endsWith("Checks: `node --test test/` passed in test-recheck-2, "
                    + "after 1 fix round."), task.getString("summary"));

            // The failing output went to the backend as a message, and its fix wrote the store's second version.
            JsonPath messages = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + id + "/messages")
                    .then().statusCode(200).extract().jsonPath();
            assertTrue(messages.getList("findAll { it.to.id == 'backend' }.text", String.class).stream()
                    .anyMatch(text -> text.contains("node --test test/") && text.contains("fail")), messages.prettify());
            JsonPath store = given().baseUri(stack.contextStore.url())
                    .get("/api/tasks/" + id + "/artifacts/src/todo-store.mjs").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(2, store.getInt("version"));

            // Both wire protocols carried tool calls, and every call is on record.
            JsonPath calls = given().baseUri(stack.simulator.url()).get("/sim/calls").then().extract().jsonPath();
            Set<String> protocols = calls.getList("findAll { it.toolCalls && it.toolCalls.size() > 0 }.protocol",
                    String.class).stream().collect(Collectors.toSet());
            assertEquals(Set.of("ollama", "openai"), protocols, calls.prettify());
            List<AgentToolCalled> tools = toolCalls(id);
            assertTrue(tools.stream().anyMatch(t -> t.tool().equals("run") && t.result().startsWith("exit 1")),
                    tools.toString());
            assertTrue(tools.stream().anyMatch(t -> t.tool().equals("run") && t.result().startsWith("exit 0")),
                    tools.toString());
            assertTrue(tools.stream().filter(t -> t.tool().equals("write_artifact"))
                    .allMatch(t -> t.outcome().equals("ok")), tools.toString());
        } finally {
            given().baseUri(stack.simulator.url()).delete("/sim/models/sim-backend");
        }
    }

    @Test
    void theDefaultTeamWorksThroughToolsInBothProtocolsAndCompletes() {
        String id = submit("Build a todo REST API with a web front end");
        JsonPath task = awaitStatus(id, "completed", 240);

        assertEquals(List.of("plan", "design", "backend", "frontend", "review", "test", "summary"),
                task.getList("subtasks.key"));
        Set<String> toolUsers = toolCalls(id).stream().map(t -> t.role().id()).collect(Collectors.toSet());
        assertEquals(Set.of("backend", "reviewer", "tester"), toolUsers);
        JsonPath artifacts = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + id + "/artifacts")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(artifacts.getList("key", String.class).stream().anyMatch(k -> k.startsWith("reviews/")),
                artifacts.prettify());
    }

    @Test
    void anAgentsQuestionThroughAskIsAnsweredByAnotherRoleAndComesBackAsTheToolResult() {
        String id = submit("Build a todo store, ask the architect which port to use, and run its tests");
        JsonPath task = awaitStatus(id, "completed", 240);

        assertTrue(task.getList("subtasks.key", String.class).contains("answer-architect-1"),
                task.getList("subtasks.key").toString());
        AgentToolCalled ask = toolCalls(id).stream().filter(t -> t.tool().equals("ask")).findFirst().orElseThrow();
        assertEquals("backend", ask.role().id());
        assertEquals("ok", ask.outcome(), ask.result());
        assertTrue(ask.result().startsWith("The architect answered:"), ask.result());
        JsonPath messages = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + id + "/messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("question", "answer"), messages.getList("findAll { it.kind == 'question' "
                + "|| it.kind == 'answer' }.kind"));
    }

    private static List<AgentToolCalled> toolCalls(String taskId) {
        return TopicReader.read(Topics.AGENT_EVENTS, read -> read.stream()
                        .anyMatch(r -> taskId.equals(r.key()) && r.value().contains("\"agent.tool-called\"")),
                        Duration.ofSeconds(30), Duration.ofSeconds(1)).stream()
                .filter(r -> taskId.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), AgentEvent.class))
                .filter(AgentToolCalled.class::isInstance).map(AgentToolCalled.class::cast).toList();
    }

    private static String submit(String description) {
        return stack.submit(description);
    }

    private static JsonPath awaitStatus(String id, String status, int seconds) {
        return stack.awaitStatus(id, status, seconds);
    }
}
