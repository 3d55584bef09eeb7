package dev.cohort.context;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.publishOk;
import static dev.cohort.context.Api.publishRaw;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class BadInputTest extends ContextStoreTestBase {

    /** Every refused write leaves the task unknown: nothing partial was stored. */
    private static void nothingStored(String task) {
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404).body("error", equalTo("unknown-task"));
    }

    private static ValidatableResponse isJsonError(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType(ContentType.JSON)
                .body("status", equalTo(status))
                .body("error", not(equalTo(null)))
                .body("detail", allOf(not(containsString("Exception")), not(containsString("\tat "))));
    }

    @Test
    void contentOverTheLimitIs413NamingTheLimit() {
        String task = newTaskId();
        String big = "x".repeat(1024 * 1024 + 1);
        isJsonError(publish(task, publishBody("big.txt", big, null, "s", 1)), 413)
                .body("error", equalTo("content-too-large"))
                .body("detail", containsString("1048576"))
                .body("detail", containsString("cohort.context.max-content-bytes"))
                .body("limitBytes", equalTo(1048576));
        nothingStored(task);
    }

    @Test
    void contentExactlyAtTheLimitIsAccepted() {
        String task = newTaskId();
        publishAsPerson(task, personBody("max.txt", "é".repeat(512 * 1024), null))
                .statusCode(201).body("sizeBytes", equalTo(1048576));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "src/../../x", "/etc/passwd", "src/./App.java", "C:/Windows/x",
            "a\\b", "src//App.java", "src/", "bad\u0000key", "line\nbreak", "tab\tkey", "esc\u001bkey"})
    void unsafeKeysAre400(String key) {
        String task = newTaskId();
        isJsonError(publish(task, publishBody(key, "x", null, "s", 1)), 400).body("error", equalTo("invalid-key"));
        nothingStored(task);
    }

    @Test
    void unknownTaskIs404() {
        String task = newTaskId();
        isJsonError(given().get("/api/tasks/{t}/artifacts", task).then(), 404).body("error", equalTo("unknown-task"));
        isJsonError(given().get("/api/tasks/{t}/artifacts/{k}", task, "plan").then(), 404)
                .body("error", equalTo("unknown-task"));
        isJsonError(given().get("/api/tasks/{t}/history/{k}", task, "plan").then(), 404);
        isJsonError(given().get("/api/tasks/{t}/export.zip", task).then(), 404);
        isJsonError(given().get("/api/tasks/{t}/checkpoints", task).then(), 404);
        isJsonError(given().get("/api/tasks/{t}/conflicts", task).then(), 404);
    }

    @Test
    void unknownArtifactVersionOrConflictIs404() {
        String task = newTaskId();
        publishOk(task, "plan", "p", null);
        isJsonError(given().get("/api/tasks/{t}/artifacts/{k}", task, "nope").then(), 404)
                .body("error", equalTo("unknown-artifact"));
        isJsonError(given().queryParam("version", 7).get("/api/tasks/{t}/artifacts/{k}", task, "plan").then(), 404)
                .body("error", equalTo("unknown-version")).body("latestVersion", equalTo(1));
        isJsonError(publishAsPerson(task, personBody("plan", "q", 5L)), 404).body("error", equalTo("unknown-version"));
        isJsonError(given().get("/api/tasks/{t}/conflicts/{id}", task, "0b3e58d8-7d1e-4a43-9a84-5a8b0e8e4c11").then(), 404);
        isJsonError(given().get("/api/tasks/{t}/conflicts/{id}", task, "not-a-uuid").then(), 404);
        given().get("/api/tasks/{t}/history/{k}", task, "plan").then().body("$", hasSize(1));
    }

    @Test
    void malformedJsonIs400SayingWhatIsWrong() {
        String task = newTaskId();
        isJsonError(publishRaw(task, "{\"key\": \"a\", \"content\": "), 400)
                .body("error", equalTo("malformed-json"))
                .body("detail", containsString("not valid JSON"))
                .body("detail", containsString("line 1"));
        isJsonError(publishRaw(task, "{\"key\": \"a\" \"kind\": \"code\"}"), 400)
                .body("error", equalTo("malformed-json"));
        nothingStored(task);
    }

    @Test
    void wrongFieldTypesAndValuesAre400NamingTheField() {
        String task = newTaskId();
        var body = publishBody("a.txt", "x", null, "s", 1);
        isJsonError(publish(task, with(body, "kind", "poem")), 400)
                .body("detail", containsString("kind"))
                .body("detail", containsString("unknown artifact kind 'poem'"));
        isJsonError(publish(task, with(body, "attempt", "first")), 400).body("detail", containsString("attempt"));
        isJsonError(publish(task, with(body, "provider", "skynet")), 400).body("detail", containsString("provider"));
        isJsonError(publish(task, with(body, "attempt", 0)), 400).body("detail", containsString("attempt"));
        isJsonError(publish(task, with(body, "baseVersion", -1)), 400).body("detail", containsString("baseVersion"));
        isJsonError(publish(task, with(body, "mediaType", "not a media type")), 400)
                .body("error", equalTo("invalid-media-type"));
        nothingStored(task);
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "kind", "content", "role", "agentId", "subtaskId", "attempt", "leaseToken"})
    void missingRequiredFieldOfAWorkersWriteIs400NamingIt(String field) {
        String task = newTaskId();
        var body = publishBody("a.txt", "x", null, "s", 1);
        body.remove(field);
        isJsonError(publish(task, body), 400).body("detail", containsString("'" + field + "'"));
        nothingStored(task);
    }

    @Test
    void emptyBodyAndInvalidTaskIdAre400() {
        isJsonError(given().contentType(ContentType.JSON).post("/api/tasks/{t}/artifacts", newTaskId()).then(), 400)
                .body("error", equalTo("missing-body"));
        isJsonError(publish("bad task id!", publishBody("a", "x", null, "s", 1)), 400)
                .body("error", equalTo("invalid-task-id"));
    }

    @Test
    void unknownEndpointIsAJson404() {
        isJsonError(given().get("/api/nothing-here").then(), 404).body("error", equalTo("not-found"))
                .body("detail", containsString("no resource at /api/nothing-here;"));
    }
}
