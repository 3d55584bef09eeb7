package dev.cohort.orchestrator.a2a;

import static dev.cohort.orchestrator.service.ScriptedWorker.completed;
import static dev.cohort.orchestrator.service.ScriptedWorker.started;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.cli.LocalIssuer;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.service.ScriptedWorker;
import dev.cohort.testsupport.AuthenticatedRestAssured;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The A2A JSON-RPC binding over HTTP: the agent card, authentication and roles as the REST API has them, the
 * JSON-RPC and A2A errors, and a task created, followed up, listed and cancelled through it.
 */
@QuarkusTest
class A2aEndpointTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** A caller of its own, so that the tasks it leaves under way count against no other test's limit. */
    static final String OPERATOR = TestTokens.mint("a2a-" + UUID.randomUUID(), "operator");
    static ScriptedWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(A2aEndpointTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        return List.of(started(d), completed(d, d.kind() == SubtaskKind.PLAN ? A2aSdkTest.PLAN
                : d.kind() == SubtaskKind.SUMMARY ? "summary of " + d.taskId() : null));
    }

    static String request(Object id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (id instanceof String s ? "\"" + s + "\"" : id) + ",\"method\":\""
                + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    static Response post(String body) {
        return given().header("Authorization", TestTokens.bearer(OPERATOR)).header("A2A-Version", "1.0")
                .contentType(ContentType.JSON).accept(ContentType.JSON).body(body).post("/a2a");
    }

    /** The JSON-RPC response to a call as the default (admin) caller. */
    static JsonNode call(String method, String params) {
        String body = post(request(7, method, params)).then().statusCode(200)
                .contentType(startsWith("application/json")).extract().asString();
        try {
            JsonNode response = MAPPER.readTree(body);
            assertEquals("2.0", response.path("jsonrpc").asText(), body);
            assertEquals(7, response.path("id").asInt(), body);
            return response;
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static int errorCode(JsonNode response) {
        assertTrue(response.has("error") && !response.has("result"), response.toString());
        return response.path("error").path("code").asInt();
    }

    static String message(String text, String extra) {
        return "{\"messageId\":\"" + UUID.randomUUID() + "\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":"
                + MAPPER.valueToTree(text) + "}]" + (extra == null ? "" : "," + extra) + "}";
    }

    @Test
    void theAgentCardIsOpenAndNamesTheEndpointTheVersionAndBearerAuth() {
        AuthenticatedRestAssured.anonymous();
        Response card = given().get("/.well-known/agent-card.json");
        card.then().statusCode(200).contentType(startsWith("application/json"))
                .body("name", equalTo("Cohort"))
                .body("supportedInterfaces[0].url", endsWith("/a2a"))
                .body("supportedInterfaces[0].protocolBinding", equalTo("JSONRPC"))
                .body("supportedInterfaces[0].protocolVersion", equalTo("1.0"))
                .body("capabilities.streaming", equalTo(true))
                .body("capabilities.pushNotifications", equalTo(false))
                .body("securitySchemes.bearer.httpAuthSecurityScheme.scheme", equalTo("Bearer"))
                .body("securitySchemes.bearer.httpAuthSecurityScheme.bearerFormat", equalTo("JWT"))
                .body("securityRequirements[0].schemes.bearer.list", equalTo(List.of()))
                .body("defaultInputModes", hasItem("text/plain"))
                .body("defaultOutputModes", hasItem("text/plain"))
                .body("skills.id", hasItem("build-software"))
                .header("Cache-Control", containsString("max-age"));
        String etag = card.header("ETag");
        assertNotNull(etag);
        given().header("If-None-Match", etag).get("/.well-known/agent-card.json").then().statusCode(304);
    }

    @Test
    void callsNeedTheRestApisTokensAndRoles() throws Exception {
        String send = request(1, "SendMessage", "{\"message\":" + message("not allowed", null) + "}");
        AuthenticatedRestAssured.anonymous();
        given().header("A2A-Version", "1.0").contentType(ContentType.JSON).body(send).post("/a2a").then()
                .statusCode(401);
        String foreign = LocalIssuer.inDirectory(Files.createTempDirectory("other-issuer"))
                .mint("mallory", Duration.ofHours(1), List.of("admin"));
        given().header("Authorization", TestTokens.bearer(foreign)).header("A2A-Version", "1.0")
                .contentType(ContentType.JSON).body(send).post("/a2a").then().statusCode(401);

        for (String method : List.of("SendMessage", "SendStreamingMessage", "CancelTask")) {
            given().header("Authorization", TestTokens.bearer(TestTokens.viewer())).header("A2A-Version", "1.0")
                    .contentType(ContentType.JSON).body(request(1, method, "{\"id\":\"" + UUID.randomUUID() + "\"}"))
                    .post("/a2a").then().statusCode(403).body("error", containsString("roles"));
        }
        given().header("Authorization", TestTokens.bearer(TestTokens.viewer())).header("A2A-Version", "1.0")
                .contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(request(1, "GetTask", "{\"id\":\"" + UUID.randomUUID() + "\"}"))
                .post("/a2a").then().statusCode(200).body("error.code", equalTo(A2aError.TASK_NOT_FOUND));
    }

    @Test
    void malformedRequestsAnswerJsonRpcErrors() {
        assertEquals(A2aError.PARSE_ERROR, errorCode(json(post("{\"jsonrpc\": \"2.0\", "))));
        assertTrue(json(post("{")).path("id").isNull());
        assertEquals(A2aError.INVALID_REQUEST, errorCode(json(post("[" + request(1, "GetTask", "{}") + "]"))));
        assertEquals(A2aError.INVALID_REQUEST, errorCode(json(post("{\"id\":1,\"method\":\"GetTask\"}"))));
        assertEquals(A2aError.INVALID_REQUEST, errorCode(json(post("{\"jsonrpc\":\"2.0\",\"method\":\"GetTask\"}"))));
        assertEquals(A2aError.INVALID_REQUEST, errorCode(json(post(request(1, "GetTask", "[1]")))));
        JsonNode unknown = call("tasks/get", "{}");
        assertEquals(A2aError.METHOD_NOT_FOUND, errorCode(unknown));

        JsonNode stringId = json(post(request("call-1", "GetTask", "{\"id\":\"nope\"}")));
        assertEquals("call-1", stringId.path("id").asText());
        assertEquals(A2aError.TASK_NOT_FOUND, errorCode(stringId));
        assertEquals("TASK_NOT_FOUND", stringId.path("error").path("data").path(0).path("reason").asText());
    }

    @Test
    void theProtocolVersionIsOneDotZero() {
        String get = request(1, "GetTask", "{\"id\":\"" + UUID.randomUUID() + "\"}");
        JsonNode without = json(given().contentType(ContentType.JSON).accept(ContentType.JSON).body(get).post("/a2a"));
        assertEquals(A2aError.VERSION_NOT_SUPPORTED, errorCode(without));
        assertTrue(without.path("error").path("message").asText().contains("A2A-Version: 1.0"), without.toString());
        JsonNode old = json(given().header("A2A-Version", "0.3").contentType(ContentType.JSON)
                .accept(ContentType.JSON).body(get).post("/a2a"));
        assertEquals(A2aError.VERSION_NOT_SUPPORTED, errorCode(old));
        JsonNode byParameter = json(given().queryParam("A2A-Version", "1.0").contentType(ContentType.JSON)
                .accept(ContentType.JSON).body(get).post("/a2a"));
        assertEquals(A2aError.TASK_NOT_FOUND, errorCode(byParameter));
    }

    @Test
    void invalidParametersNameTheField() {
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("SendMessage", null)));
        JsonNode noParts = call("SendMessage",
                "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[]}}");
        assertEquals(A2aError.INVALID_PARAMS, errorCode(noParts));
        JsonNode violation = noParts.path("error").path("data").path(0);
        assertEquals("type.googleapis.com/google.rpc.BadRequest", violation.path("@type").asText());
        assertEquals("message.parts", violation.path("fieldViolations").path(0).path("field").asText());
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("SendMessage",
                "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"x\"}]}}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("SendMessage",
                "{\"message\":{\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"x\"}]}}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("SendMessage",
                "{\"message\":" + message("x".repeat(20_001), null) + "}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("SendMessage",
                "{\"message\":" + message("x", null)
                        + ",\"metadata\":{\"cohort\":{\"approvalMode\":\"sometimes\"}}}")));
        assertEquals(A2aError.CONTENT_TYPE_NOT_SUPPORTED, errorCode(call("SendMessage",
                "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"url\":\"https://x/y.png\","
                        + "\"mediaType\":\"image/png\"}]}}")));
        assertEquals(A2aError.CONTENT_TYPE_NOT_SUPPORTED, errorCode(call("SendMessage", "{\"message\":"
                + message("x", null) + ",\"configuration\":{\"acceptedOutputModes\":[\"image/png\"]}}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("GetTask", "{}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("GetTask", "{\"id\":\"" + UUID.randomUUID()
                + "\",\"historyLength\":-1}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("ListTasks", "{\"pageSize\":0}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("ListTasks", "{\"pageSize\":101}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("ListTasks", "{\"pageToken\":\"forged\"}")));
        assertEquals(A2aError.INVALID_PARAMS, errorCode(call("ListTasks", "{\"status\":\"done\"}")));
    }

    @Test
    void pushNotificationsAndTheExtendedCardAreNotSupported() {
        for (String method : List.of("CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
                "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig")) {
            assertEquals(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED, errorCode(call(method,
                    "{\"taskId\":\"" + UUID.randomUUID() + "\",\"url\":\"https://example.com/hook\"}")), method);
        }
        assertEquals(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED, errorCode(call("SendMessage", "{\"message\":"
                + message("x", null)
                + ",\"configuration\":{\"taskPushNotificationConfig\":{\"url\":\"https://h\"}}}")));
        assertEquals(A2aError.UNSUPPORTED_OPERATION, errorCode(call("GetExtendedAgentCard", null)));
    }

    @Test
    void streamingMethodsAnswerServerSentEvents() {
        assertEquals(A2aError.INVALID_REQUEST, errorCode(call("SubscribeToTask", "{\"id\":\"" + UUID.randomUUID()
                + "\"}")));
        String events = given().header("A2A-Version", "1.0").contentType(ContentType.JSON)
                .accept("text/event-stream")
                .body(request(3, "SubscribeToTask", "{\"id\":\"" + UUID.randomUUID() + "\"}"))
                .post("/a2a").then().statusCode(200).contentType(startsWith("text/event-stream"))
                .extract().asString();
        JsonNode event = json(events.lines().filter(l -> l.startsWith("data:")).findFirst().orElseThrow()
                .substring("data:".length()));
        assertEquals(3, event.path("id").asInt());
        assertEquals(A2aError.TASK_NOT_FOUND, errorCode(event));
        String one = given().header("A2A-Version", "1.0").contentType(ContentType.JSON).accept("text/event-stream")
                .body(request(4, "GetTask", "{\"id\":\"nope\"}")).post("/a2a").then().statusCode(200)
                .extract().asString();
        assertTrue(one.contains("-32001"), one);
    }

    @Test
    void aManualPlanNeedsInputAndTheContextIsCarriedThroughFollowUpsListsAndCancel() {
        String contextId = "ctx-" + UUID.randomUUID();
        JsonNode sent = call("SendMessage", "{\"message\":" + message("Build a wiki\nwith search",
                "\"contextId\":\"" + contextId + "\"") + ",\"metadata\":{\"cohort\":{\"approvalMode\":\"manual\"}}}");
        JsonNode task = sent.path("result").path("task");
        assertEquals("TASK_STATE_INPUT_REQUIRED", task.path("status").path("state").asText(), sent.toString());
        assertEquals(contextId, task.path("contextId").asText());
        assertEquals("awaiting-approval", task.path("metadata").path("cohort").path("status").asText());
        assertTrue(task.path("status").path("message").path("parts").path(0).path("text").asText()
                .contains("/approve"));
        assertEquals("ROLE_AGENT", task.path("status").path("message").path("role").asText());
        assertTrue(task.path("status").path("timestamp").asText()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        String id = task.path("id").asText();
        given().get("/api/tasks/" + id).then().statusCode(200)
                .body("title", equalTo("Build a wiki"))
                .body("description", equalTo("Build a wiki\nwith search"))
                .body("createdBy", startsWith("a2a-"));

        JsonNode listed = call("ListTasks", "{\"contextId\":\"" + contextId + "\"}").path("result");
        assertEquals(1, listed.path("totalSize").asInt(), listed.toString());
        assertEquals(id, listed.path("tasks").path(0).path("id").asText());
        assertEquals("", listed.path("nextPageToken").asText());
        assertFalse(listed.path("tasks").path(0).has("artifacts"), "no artifacts unless asked for");

        JsonNode wrongContext = call("SendMessage", "{\"message\":" + message("also add tags",
                "\"taskId\":\"" + id + "\",\"contextId\":\"another\"") + "}");
        assertEquals(A2aError.INVALID_PARAMS, errorCode(wrongContext));
        JsonNode followUp = call("SendMessage", "{\"message\":" + message("also add tags",
                "\"taskId\":\"" + id + "\"") + "}");
        assertEquals(id, followUp.path("result").path("task").path("id").asText(), followUp.toString());
        given().get("/api/tasks/" + id + "/messages").then().statusCode(200)
                .body("text", hasItem("also add tags"));

        JsonNode cancelled = call("CancelTask", "{\"id\":\"" + id + "\"}");
        assertEquals("TASK_STATE_CANCELED", cancelled.path("result").path("status").path("state").asText());
        given().get("/api/tasks/" + id).then().body("status", equalTo("cancelled"));
        assertEquals(A2aError.TASK_NOT_CANCELABLE, errorCode(call("CancelTask", "{\"id\":\"" + id + "\"}")));
        assertEquals(A2aError.UNSUPPORTED_OPERATION, errorCode(call("SendMessage", "{\"message\":"
                + message("too late", "\"taskId\":\"" + id + "\"") + "}")));
        assertEquals(A2aError.TASK_NOT_FOUND, errorCode(call("SendMessage", "{\"message\":"
                + message("nobody", "\"taskId\":\"" + UUID.randomUUID() + "\"") + "}")));
        assertEquals(A2aError.TASK_NOT_FOUND, errorCode(call("CancelTask", "{\"id\":\"" + UUID.randomUUID() + "\"}")));
    }

    @Test
    void listTasksPagesWithCursorsNewestFirst() {
        String contextId = "pages-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            // Blocking: answered once the plan waits, so that the tasks no longer change while they are paged.
            JsonNode sent = call("SendMessage", "{\"message\":" + message("paged " + i, "\"contextId\":\"" + contextId
                    + "\"") + ",\"metadata\":{\"cohort\":{\"approvalMode\":\"manual\"}}}");
            assertEquals("TASK_STATE_INPUT_REQUIRED", sent.path("result").path("task").path("status").path("state")
                    .asText(), sent.toString());
        }
        JsonNode first = call("ListTasks", "{\"contextId\":\"" + contextId + "\",\"pageSize\":2}").path("result");
        assertEquals(3, first.path("totalSize").asInt(), first.toString());
        assertEquals(2, first.path("pageSize").asInt());
        assertEquals(2, first.path("tasks").size());
        String token = first.path("nextPageToken").asText();
        assertFalse(token.isEmpty());
        JsonNode second = call("ListTasks", "{\"contextId\":\"" + contextId + "\",\"pageSize\":2,\"pageToken\":\""
                + token + "\",\"includeArtifacts\":true}").path("result");
        assertEquals(1, second.path("tasks").size(), second.toString());
        assertEquals("", second.path("nextPageToken").asText());
        assertTrue(second.path("tasks").path(0).path("artifacts").isArray());
        List<String> ids = List.of(first.path("tasks").path(0).path("id").asText(),
                first.path("tasks").path(1).path("id").asText(), second.path("tasks").path(0).path("id").asText());
        assertEquals(3, ids.stream().distinct().count(), ids.toString());
        JsonNode none = call("ListTasks", "{\"contextId\":\"" + contextId + "\",\"status\":\"TASK_STATE_REJECTED\"}");
        assertEquals(0, none.path("result").path("totalSize").asInt());
        ids.forEach(id -> assertEquals("TASK_STATE_CANCELED", call("CancelTask", "{\"id\":\"" + id + "\"}")
                .path("result").path("status").path("state").asText()));
        JsonNode cancelled = call("ListTasks",
                "{\"contextId\":\"" + contextId + "\",\"status\":\"TASK_STATE_CANCELED\"}");
        assertEquals(3, cancelled.path("result").path("totalSize").asInt(), cancelled.toString());
    }

    @Test
    void aBlockingSendAnswersTheCompletedTaskWithItsSummary() {
        JsonNode done = call("SendMessage", "{\"message\":" + message("Build a timer", null) + "}");
        JsonNode task = done.path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), done.toString());
        assertEquals(task.path("id").asText(), task.path("contextId").asText(), "without a context, the task's own");
        JsonNode artifact = task.path("artifacts").path(0);
        assertEquals("summary", artifact.path("artifactId").asText());
        assertEquals("summary of " + task.path("id").asText(), artifact.path("parts").path(0).path("text").asText());
        JsonNode got = call("GetTask", "{\"id\":\"" + task.path("id").asText() + "\",\"historyLength\":0}");
        assertEquals("TASK_STATE_COMPLETED", got.path("result").path("status").path("state").asText());
        assertTrue(got.path("result").path("history").isMissingNode());
    }

    @Test
    void bodiesAreBoundedLikeTheRestApis() {
        String huge = request(1, "SendMessage", "{\"message\":" + message("x".repeat(1_100_000), null) + "}");
        post(huge).then().statusCode(413);
    }

    @Test
    void aRequestWithoutAcceptIsAnsweredWithJson() {
        given().header("A2A-Version", "1.0").contentType(ContentType.JSON)
                .body(request(1, "GetTask", "{\"id\":\"" + UUID.randomUUID() + "\"}")).post("/a2a").then()
                .statusCode(200).contentType(startsWith("application/json")).body("error.code", notNullValue())
                .body("result", nullValue());
    }

    static JsonNode json(Response response) {
        return json(response.then().statusCode(200).extract().asString());
    }

    static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
