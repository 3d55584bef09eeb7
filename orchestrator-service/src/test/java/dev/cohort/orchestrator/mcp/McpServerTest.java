package dev.cohort.orchestrator.mcp;

import static dev.cohort.orchestrator.service.ScriptedWorker.completed;
import static dev.cohort.orchestrator.service.ScriptedWorker.started;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.service.ScriptedWorker;
import dev.cohort.testsupport.AuthenticatedRestAssured;
import dev.cohort.testsupport.TestTokens;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's MCP server driven by the official MCP Java SDK's client over streamable HTTP, against the
 * real broker and database; tasks it submits are checked through the REST API too.
 */
@QuarkusTest
class McpServerTest {

    static final String PLAN = """
            {"subtasks": [
              {"id": "a", "role": "architect", "title": "Design", "instructions": "design it", "dependsOn": []},
              {"id": "b", "role": "backend", "title": "API", "instructions": "build it", "dependsOn": ["a"]}
            ]}""";

    static ScriptedWorker worker;

    @TestHTTPResource("/")
    URL base;

    McpSyncClient client;

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(McpServerTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        List<AgentEvent> events = new ArrayList<>(List.of(started(d)));
        events.add(completed(d, d.kind() == SubtaskKind.PLAN ? PLAN : d.kind() == SubtaskKind.SUMMARY ? "done" : null));
        return events;
    }

    @BeforeEach
    void connect() {
        client = connect(TestTokens.operator());
        client.initialize();
    }

    /** An MCP client that sends this token, or none. */
    private McpSyncClient connect(String token) {
        var request = HttpRequest.newBuilder();
        if (token != null) {
            request.header("Authorization", TestTokens.bearer(token));
        }
        var transport = HttpClientStreamableHttpTransport.builder(base.toString().replaceAll("/+$", ""))
                .endpoint("/mcp").requestBuilder(request).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .clientInfo(McpSchema.Implementation.builder("cohort-mcp-test", "1.0").build()).build();
    }

    @Test
    void withoutATokenTheServerAnswers401AndPointsAtItsProtectedResourceMetadata() throws Exception {
        McpSyncClient anonymous = connect(null);
        assertThrows(RuntimeException.class, anonymous::initialize, "no session without a token");
        anonymous.close();

        AuthenticatedRestAssured.anonymous();
        String challenge = given().contentType("application/json").accept("application/json, text/event-stream")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                .post("/mcp").then().statusCode(401).extract().header("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer ") && challenge.contains("resource_metadata=\""), challenge);
        String metadataUrl = challenge.replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        assertTrue(metadataUrl.endsWith("/.well-known/oauth-protected-resource/mcp"), metadataUrl);
        given().get(URI.create(metadataUrl).getPath()).then().statusCode(200)
                .body("resource", endsWith("/mcp"))
                .body("bearer_methods_supported", equalTo(List.of("header")))
                .body("scopes_supported", hasItem("operator"));
        given().header("Authorization", "Bearer not.a.token").contentType("application/json")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                .post("/mcp").then().statusCode(401).header("WWW-Authenticate", containsString("resource_metadata"));
    }

    @Test
    void aViewerReadsThroughMcpButCannotSubmit() {
        McpSyncClient viewer = connect(TestTokens.viewer());
        try {
            viewer.initialize();
            String refused = error(viewer.callTool(McpSchema.CallToolRequest.builder("submit_task")
                    .arguments(new HashMap<>(Map.of("description", "not allowed"))).build()));
            assertTrue(refused.contains("roles do not allow"), refused);
            ok(viewer.callTool(McpSchema.CallToolRequest.builder("list_tasks").arguments(new HashMap<>()).build()));
        } finally {
            viewer.closeGracefully();
        }
    }

    @AfterEach
    void disconnect() {
        client.closeGracefully();
    }

    @Test
    void theServerOffersCohortsToolsWithTheirArguments() {
        McpSchema.InitializeResult init = client.getCurrentInitializationResult();
        assertEquals("cohort-orchestrator", init.serverInfo().name());
        assertTrue(init.instructions().contains("submit_task"), init.instructions());

        Map<String, McpSchema.Tool> tools = client.listTools().tools().stream()
                .collect(Collectors.toMap(McpSchema.Tool::name, t -> t));
        assertEquals(Set.of("submit_task", "get_task", "list_tasks", "approve_plan", "list_artifacts", "read_artifact"),
                tools.keySet());
        assertEquals(List.of("description"), tools.get("submit_task").inputSchema().get("required"));
        assertEquals(Set.of("description", "title", "roles", "approvalMode", "budgetUsd", "template"),
                ((Map<?, ?>) tools.get("submit_task").inputSchema().get("properties")).keySet());
        assertEquals(Set.of("taskId", "key"),
                Set.copyOf((List<?>) tools.get("read_artifact").inputSchema().get("required")));
    }

    @Test
    void aTaskSubmittedThroughMcpIsTheTaskTheRestApiShows() {
        JsonNode submitted = json(ok(call("submit_task", Map.of("description", "Build a todo API\nwith a UI",
                "roles", List.of("architect", "Backend"), "approvalMode", "manual", "budgetUsd", "2.50"))));
        String id = submitted.path("id").asText();
        assertEquals("Build a todo API", submitted.path("title").asText());

        given().get("/api/tasks/" + id).then().statusCode(200)
                .body("title", equalTo("Build a todo API"))
                .body("roles", equalTo(List.of("architect", "backend")))
                .body("approvalMode", equalTo("manual"))
                .body("budgetUsd", equalTo(2.5f));

        JsonNode task = json(ok(call("get_task", Map.of("taskId", id))));
        assertEquals(id, task.path("id").asText());
        assertEquals("manual", task.path("approvalMode").asText());
        assertTrue(task.path("subtasks").isArray(), task.toString());
        assertTrue(task.path("progress").has("percentComplete"), task.toString());

        JsonNode listed = json(ok(call("list_tasks", Map.of("size", 200))));
        List<String> ids = new ArrayList<>();
        listed.forEach(t -> ids.add(t.path("id").asText()));
        assertTrue(ids.contains(id), "list_tasks shows the new task");
        given().get("/api/tasks?size=200").then().body("id", hasItem(id));
    }

    @Test
    void aManualPlanIsApprovedThroughMcpAndRunsToTheEnd() {
        String id = json(ok(call("submit_task", Map.of("title", "mcp approval", "description", "mcp approval",
                "approvalMode", "manual")))).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                json(ok(call("get_task", Map.of("taskId", id)))).path("status").asText().equals("awaiting-approval"));
        assertTrue(worker.receivedFor(id).stream().allMatch(d -> d.kind() == SubtaskKind.PLAN),
                "nothing but the plan runs before approval");

        JsonNode approved = json(ok(call("approve_plan", Map.of("taskId", id))));
        assertEquals("running", approved.path("status").asText());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/tasks/" + id).then().body("status", equalTo("completed")));
        JsonNode task = json(ok(call("get_task", Map.of("taskId", id))));
        assertEquals("completed", task.path("status").asText());
        List<String> keys = new ArrayList<>();
        task.path("subtasks").forEach(s -> keys.add(s.path("key").asText()));
        assertTrue(keys.containsAll(List.of("a", "b")), keys.toString());
        task.path("subtasks").forEach(s -> {
            assertEquals("done", s.path("status").asText(), s.toString());
            assertEquals("scripted", s.path("attempts").path(0).path("model").asText(), s.toString());
        });
        assertEquals(100, task.path("progress").path("percentComplete").asInt(), task.toString());
        assertEquals(keys.size(), task.path("progress").path("byStatus").path("done").asInt(), task.toString());
        assertTrue(task.path("promptTokens").asLong() > 0, task.toString());

        String again = error(call("approve_plan", Map.of("taskId", id)));
        assertTrue(again.contains("only a task that is awaiting-approval can be approved"), again);
    }

    @Test
    void artifactsAreListedAndReadFromTheContextStore() {
        String taskId = UUID.randomUUID().toString();
        JsonNode all = json(ok(call("list_artifacts", Map.of("taskId", taskId))));
        assertEquals(List.of(ContextStoreStub.DESIGN, ContextStoreStub.API), keys(all));
        assertEquals(2, all.path(0).path("latestVersion").asInt());
        assertEquals(List.of(ContextStoreStub.DESIGN),
                keys(json(ok(call("list_artifacts", Map.of("taskId", taskId, "prefix", "docs/"))))));

        McpSchema.CallToolResult latest = ok(call("read_artifact", Map.of("taskId", taskId, "key", ContextStoreStub.DESIGN)));
        assertEquals(2, latest.content().size(), "metadata, then content");
        JsonNode metadata = json(((McpSchema.TextContent) latest.content().get(0)).text());
        assertEquals(2, metadata.path("version").asInt());
        assertEquals("text/markdown", metadata.path("mediaType").asText());
        assertFalse(metadata.has("content"), "the content is the second part, not repeated in the metadata");
        assertEquals(ContextStoreStub.content(taskId, ContextStoreStub.DESIGN, 2),
                ((McpSchema.TextContent) latest.content().get(1)).text());

        McpSchema.CallToolResult first = ok(call("read_artifact", Map.of("taskId", taskId, "key", ContextStoreStub.DESIGN,
                "version", 1)));
        assertEquals(ContextStoreStub.content(taskId, ContextStoreStub.DESIGN, 1),
                ((McpSchema.TextContent) first.content().get(1)).text());

        String unknownKey = error(call("read_artifact", Map.of("taskId", taskId, "key", "docs/nope.md")));
        assertTrue(unknownKey.contains("has no artifact 'docs/nope.md'"), unknownKey);
        String unknownVersion = error(call("read_artifact", Map.of("taskId", taskId, "key", ContextStoreStub.DESIGN,
                "version", 9)));
        assertTrue(unknownVersion.contains("versions run from 1 to 2"), unknownVersion);
        String emptyTask = error(call("list_artifacts", Map.of("taskId", ContextStoreStub.EMPTY_TASK)));
        assertTrue(emptyTask.contains("nothing has been stored for task"), emptyTask);
    }

    @Test
    void badInputGetsAToolErrorThatSaysWhatToFix() {
        assertError(call("submit_task", Map.of("description", "   ")), "'description' is required");
        assertError(call("submit_task", Map.of("title", "no description")), "description");
        String several = error(call("submit_task", Map.of("description", "x", "roles", List.of("juggler"),
                "budgetUsd", "lots", "approvalMode", "maybe")));
        for (String problem : List.of("unknown role 'juggler'", "'budgetUsd' must be a positive amount", "'approvalMode'")) {
            assertTrue(several.contains(problem), several);
        }
        assertError(call("get_task", Map.of("taskId", "not-a-uuid")), "task ids are UUIDs");
        assertError(call("get_task", Map.of("taskId", "00000000-0000-0000-0000-000000000000")), "no task with id");
        assertError(call("approve_plan", Map.of("taskId", "00000000-0000-0000-0000-000000000000")), "no task with id");
        assertError(call("list_tasks", Map.of("status", "sleeping")), "'status'");
        assertError(call("list_tasks", Map.of("size", 1000)), "'size' must be between 1 and 200");
        assertError(call("read_artifact", Map.of("taskId", UUID.randomUUID().toString(), "key", "a.md", "version", 0)),
                "'version' must be 1 or more");
        assertError(call("read_artifact", Map.of("taskId", UUID.randomUUID().toString(), "key", " ")), "'key' is required");
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(new HashMap<>(arguments)).build());
    }

    private static McpSchema.CallToolResult ok(McpSchema.CallToolResult result) {
        assertNotEquals(Boolean.TRUE, result.isError(), () -> "tool error: " + text(result));
        return result;
    }

    private static String error(McpSchema.CallToolResult result) {
        String text = text(result);
        assertEquals(Boolean.TRUE, result.isError(), () -> "expected a tool error, got: " + text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), () -> "a stack trace leaked: " + text);
        return text;
    }

    private static void assertError(McpSchema.CallToolResult result, String expected) {
        String text = error(result);
        assertTrue(text.contains(expected), () -> "'" + expected + "' not in: " + text);
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    private static JsonNode json(McpSchema.CallToolResult result) {
        return json(text(result));
    }

    private static JsonNode json(String text) {
        try {
            return EventCodec.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private static List<String> keys(JsonNode artifacts) {
        List<String> keys = new ArrayList<>();
        artifacts.forEach(a -> keys.add(a.path("key").asText()));
        return keys;
    }
}
