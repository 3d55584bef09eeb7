package dev.cohort.context;

import static dev.cohort.context.Api.delete;
import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.cohort.context.api.Limits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code POST /api/tasks/{taskId}/latest}: what an agent reads before it starts, in one request. */
@QuarkusTest
class LatestReadTest extends ContextStoreTestBase {

    @Test
    void answersTheLatestVersionOfEachKeyThatHasOneInTheOrderAsked() {
        String task = newTaskId();
        publishOk(task, "spec/api.md", "# API v1", null);
        long b = publishOk(task, "src/Todo.java", "class Todo {}", null);
        publishOk(task, "src/Todo.java", "class Todo { String title; }", b);
        long gone = publishOk(task, "notes.md", "scratch", null);
        delete(task, "notes.md", gone).statusCode(201);

        latest(task, List.of("src/Todo.java", "not/yet.md", "spec/api.md", "notes.md", "src/Todo.java"))
                .statusCode(200)
                .body("key", contains("src/Todo.java", "spec/api.md"))
                .body("version", contains(2, 1))
                .body("content", contains("class Todo { String title; }", "# API v1"))
                .body("author.agentId", contains("test-admin", "test-admin"));
    }

    @Test
    void aTaskWithNothingStoredHasNone() {
        latest(newTaskId(), List.of("spec/api.md")).statusCode(200).body("$", empty());
    }

    @Test
    void refusesWhatItCannotReadWithAReason() {
        String task = newTaskId();
        List<String> tooMany = IntStream.rangeClosed(0, Limits.KEYS_PER_READ).mapToObj(i -> "k" + i).toList();
        latest(task, tooMany).statusCode(400).body(containsString("at most " + Limits.KEYS_PER_READ + " keys"));
        latest(task, List.of("spec/api.md", "../etc/passwd")).statusCode(400).body("error", equalTo("invalid-key"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/tasks/{t}/latest", task)
                .then().statusCode(400).body(containsString("keys is required"));
        given().contentType(ContentType.JSON).post("/api/tasks/{t}/latest", task)
                .then().statusCode(400).body(containsString("keys"));
    }

    private static ValidatableResponse latest(String task, List<String> keys) {
        return given().contentType(ContentType.JSON).body(Map.of("keys", keys))
                .post("/api/tasks/{t}/latest", task).then();
    }
}
