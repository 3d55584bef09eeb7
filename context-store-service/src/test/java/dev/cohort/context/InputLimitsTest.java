package dev.cohort.context;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.publishOk;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.context.api.Limits;
import dev.cohort.contracts.EventCodec;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every field that enters over REST has a limit; going over it is a 400 or 413 that names the field and the limit. */
@QuarkusTest
class InputLimitsTest extends ContextStoreTestBase {

    /** quarkus.http.limits.max-body-size in application.properties. */
    private static final int MAX_BODY_BYTES = 1280 * 1024;

    @TestHTTPResource("/")
    URI base;

    private static ValidatableResponse namesFieldAndLimit(ValidatableResponse response, String field, int limit) {
        return response.statusCode(400).contentType(ContentType.JSON)
                .body("detail", containsString("'" + field + "'"))
                .body("detail", containsString("at most " + limit));
    }

    @ParameterizedTest
    @CsvSource({"key, 512", "mediaType, 255", "role, 100", "agentId, 200", "model, 200", "subtaskId, 100",
            "leaseToken, 200"})
    void aPublishFieldOverItsLimitIs400NamingIt(String field, int limit) throws Exception {
        String task = newTaskId();
        String tooLong = field.equals("mediaType") ? "text/" + "x".repeat(limit) : "k".repeat(limit + 1);
        namesFieldAndLimit(publish(task, with(publishBody("a.txt", "x", null, "s", 1), field, tooLong)), field, limit);
        // at the limit it is stored (a worker's agent ids start with its name)
        String atLimit = switch (field) {
            case "mediaType" -> "text/" + "x".repeat(limit - 5);
            case "agentId" -> Api.WORKER + "/" + "k".repeat(limit - Api.WORKER.length() - 1);
            default -> "k".repeat(limit);
        };
        Map<String, Object> body = with(publishBody("a.txt", "x", null, "s", 1), field, atLimit);
        Lease lease = dispatch(task, (String) body.get("subtaskId"), 1, (String) body.get("leaseToken"),
                List.of((String) body.get("key")));
        lease.publish(body).statusCode(201);
    }

    @Test
    void checkpointRollbackAndResolveFieldsOverTheirLimitsAre400NamingThem() {
        String task = newTaskId();
        publishOk(task, "a.txt", "a", null);
        Map<String, Object> checkpoint = Map.of("name", "cp", "createdBy", "alice", "description", "d");
        namesFieldAndLimit(postCheckpoint(task, with(checkpoint, "name", "n".repeat(101))), "name",
                Limits.CHECKPOINT_NAME);
        namesFieldAndLimit(postCheckpoint(task, with(checkpoint, "description", "d".repeat(1001))), "description",
                Limits.CHECKPOINT_DESCRIPTION);
        namesFieldAndLimit(postCheckpoint(task, with(checkpoint, "createdBy", "c".repeat(201))), "createdBy",
                Limits.AGENT_ID);
        postCheckpoint(task, checkpoint).statusCode(201);

        namesFieldAndLimit(given().contentType(ContentType.JSON).body(Map.of("requestedBy", "r".repeat(201)))
                .post("/api/tasks/{t}/checkpoints/{n}/rollback", task, "cp").then(), "requestedBy", Limits.AGENT_ID);
        namesFieldAndLimit(given().contentType(ContentType.JSON).body(Map.of("requestedBy", "alice", "role", "r".repeat(101)))
                .post("/api/tasks/{t}/checkpoints/{n}/rollback", task, "cp").then(), "role", Limits.ROLE);

        String conflictId = publishAsPerson(task, personBody("a.txt", "theirs", 0L)).statusCode(409)
                .extract().jsonPath().getString("conflictId");
        namesFieldAndLimit(given().contentType(ContentType.JSON)
                .body(Map.of("content", "merged", "role", "lead", "agentId", "a".repeat(201)))
                .post("/api/tasks/{t}/conflicts/{id}/resolve", task, conflictId).then(), "agentId", Limits.AGENT_ID);
    }

    @Test
    void queryParametersAndPathSegmentsHaveLimitsToo() {
        String task = newTaskId();
        publishOk(task, "a.txt", "a", null);
        namesFieldAndLimit(given().queryParam("prefix", "p".repeat(513)).get("/api/tasks/{t}/artifacts", task).then(),
                "prefix", Limits.KEY);
        namesFieldAndLimit(given().queryParam("key", "k".repeat(513)).get("/api/tasks/{t}/conflicts", task).then(),
                "key", Limits.KEY);
        given().queryParam("glob", "g".repeat(1025)).get("/api/tasks/{t}/artifacts", task).then().statusCode(400)
                .body("detail", containsString("at most 1024"));
        given().get("/api/tasks/{t}/artifacts", "t".repeat(101)).then().statusCode(400)
                .body("error", equalTo("invalid-task-id")).body("detail", containsString("at most 100"));
    }

    @Test
    void aNulCharacterInAFieldIs400InsteadOfAFailedWrite() {
        String task = newTaskId();
        publish(task, with(publishBody("a.txt", "x", null, "s", 1), "subtaskId", "s\u0000x")).statusCode(400)
                .body("detail", containsString("'subtaskId'")).body("detail", containsString("U+0000"));
    }

    @Test
    void aBodyOverTheBodyLimitIsRefusedBeforeItIsReadWithAJson413() throws Exception {
        long declared = MAX_BODY_BYTES + 1;
        String response;
        // only the head is sent: the refusal comes from the declared length, before any of the body is read
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST /api/tasks/" + newTaskId() + "/artifacts HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Authorization: " + TestTokens.bearer(TestTokens.admin()) + "\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the server closes the connection after its answer
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.toLowerCase(Locale.ROOT).contains("content-type: application/json"), response);
        JsonNode error = EventCodec.mapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals("request-too-large", error.path("error").asText());
        assertEquals(MAX_BODY_BYTES, error.path("limitBytes").asLong());
        assertEquals(declared, error.path("sizeBytes").asLong());
        assertTrue(error.path("detail").asText().contains("quarkus.http.limits.max-body-size"), response);
        assertTrue(error.path("detail").asText().contains("cohort.context.max-content-bytes"), response);
    }

    private static ValidatableResponse postCheckpoint(String task, Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/tasks/{t}/checkpoints", task).then();
    }
}
