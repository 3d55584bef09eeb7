package dev.cohort.context;

import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.cohort.context.model.ContentHash;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArtifactPublishTest extends ContextStoreTestBase {

    @Test
    void publishCreatesVersionOneAndGetReturnsItWithMetadata() {
        String task = newTaskId();
        String content = "class App {}\n";
        publish(task, publishBody("src/main/java/App.java", content, null, "sub-1", 1))
                .statusCode(201)
                .header("Location", containsString("/api/tasks/" + task + "/artifacts/src/main/java/App.java?version=1"))
                .body("version", equalTo(1))
                .body("key", equalTo("src/main/java/App.java"))
                .body("kind", equalTo("code"))
                .body("contentHash", equalTo(ContentHash.of(content)))
                .body("sizeBytes", equalTo(content.length()))
                .body("author.role", equalTo("backend"))
                .body("author.agentId", equalTo("worker-1"))
                .body("provider", equalTo("ollama"))
                .body("subtaskId", equalTo("sub-1"))
                .body("attempt", equalTo(1))
                .body("replayed", equalTo(false));

        given().when().get("/api/tasks/{t}/artifacts/{k}", task, "src/main/java/App.java")
                .then().statusCode(200)
                .body("version", equalTo(1))
                .body("content", equalTo(content))
                .body("model", equalTo("qwen2.5-coder:7b"))
                .body("origin", equalTo("publish"));
    }

    @Test
    void updateWithCurrentBaseAddsVersionAndKeepsEveryOldOne() {
        String task = newTaskId();
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\n", null, "sub-a");
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\ninfo: {}\n", 1L, "sub-b");
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\ninfo: {title: x}\n", 2L, "sub-c");

        given().get("/api/tasks/{t}/artifacts/{k}", task, "api/openapi.yaml")
                .then().statusCode(200).body("version", equalTo(3)).body("content", containsString("title: x"));
        given().queryParam("version", 1).get("/api/tasks/{t}/artifacts/{k}", task, "api/openapi.yaml")
                .then().statusCode(200).body("version", equalTo(1)).body("content", equalTo("openapi: 3.1.0\n"));
        given().get("/api/tasks/{t}/history/{k}", task, "api/openapi.yaml")
                .then().statusCode(200)
                .body("version", contains(1, 2, 3))
                .body("subtaskId", contains("sub-a", "sub-b", "sub-c"))
                .body("[0].content", nullValue());
    }

    @Test
    void diffBetweenTwoVersionsIsUnified() {
        String task = newTaskId();
        publishOk(task, "plan", "step one\nstep two\nstep three\n", null, "s1");
        publishOk(task, "plan", "step one\nstep 2\nstep three\nstep four\n", 1L, "s2");

        String diff = given().queryParam("from", 1).queryParam("to", 2)
                .get("/api/tasks/{t}/diff/{k}", task, "plan")
                .then().statusCode(200).contentType(containsString("text/x-diff"))
                .extract().asString();
        assertThat(diff, startsWith("--- plan@1\n+++ plan@2\n@@ "));
        assertThat(diff, containsString("\n-step two\n"));
        assertThat(diff, containsString("\n+step 2\n"));
        assertThat(diff, containsString("\n+step four\n"));
        assertThat(diff, not(containsString("-step one")));
        assertThat(diff, not(containsString("+step one")));

        given().queryParam("from", 1).queryParam("to", 9).get("/api/tasks/{t}/diff/{k}", task, "plan")
                .then().statusCode(404).body("error", equalTo("unknown-version"));
    }

    @Test
    void retriedPublishReturnsTheSameVersionWithoutStoringAnother() {
        String task = newTaskId();
        var body = publishBody("src/App.java", "v1", null, "sub-retry", 1);
        publish(task, body).statusCode(201).body("version", equalTo(1));
        publish(task, body).statusCode(200).body("version", equalTo(1)).body("replayed", equalTo(true));

        // the same attempt's retry of an update also answers with what it stored first
        var update = publishBody("src/App.java", "v2", 1L, "sub-retry-2", 1);
        publish(task, update).statusCode(201).body("version", equalTo(2));
        publish(task, update).statusCode(200).body("version", equalTo(2));

        // a new attempt of the same subtask is a new write
        publish(task, publishBody("src/App.java", "v3", 2L, "sub-retry-2", 2)).statusCode(201).body("version", equalTo(3));

        given().get("/api/tasks/{t}/history/{k}", task, "src/App.java").then().body("version", contains(1, 2, 3));
    }

    @Test
    void sameAttemptWritingOtherContentToTheSameKeyIsRefusedNotDropped() {
        String task = newTaskId();
        publish(task, publishBody("src/App.java", "first", null, "sub-x", 1)).statusCode(201);
        publish(task, publishBody("src/App.java", "second", 1L, "sub-x", 1))
                .statusCode(409).body("error", equalTo("attempt-already-wrote"))
                .body("detail", containsString("version 1"));
        given().get("/api/tasks/{t}/history/{k}", task, "src/App.java").then().body("$", hasSize(1));
    }

    @Test
    void anAttemptMayCreateAndThenDeleteAKeyAndRetryTheDelete() {
        String task = newTaskId();
        publish(task, publishBody("tmp/scratch.txt", "scratch", null, "sub-s", 1)).statusCode(201);
        Supplier<ValidatableResponse> delete = () -> given().queryParam("baseVersion", 1)
                .queryParam("role", "backend").queryParam("agentId", "w")
                .queryParam("subtaskId", "sub-s").queryParam("attempt", 1)
                .delete("/api/tasks/{t}/artifacts/{k}", task, "tmp/scratch.txt").then();
        delete.get().statusCode(201).body("version", equalTo(2));
        delete.get().statusCode(200).body("version", equalTo(2)).body("replayed", equalTo(true));
    }

    @Test
    void concurrentRetriesOfOnePublishStoreOneVersion() throws Exception {
        String task = newTaskId();
        var body = publishBody("notes/design.md", "# design", null, "sub-dup", 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> publish(task, body).extract().jsonPath().getInt("version"));
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(1, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        given().get("/api/tasks/{t}/history/{k}", task, "notes/design.md").then().body("$", hasSize(1));
    }

    @Test
    void listFiltersByPrefixGlobAndKind() {
        String task = newTaskId();
        publishOk(task, "src/main/java/App.java", "a", null, "l1");
        publishOk(task, "src/main/java/util/Strings.java", "b", null, "l2");
        publishOk(task, "src/test/java/AppTest.java", "c", null, "l3");
        publish(task, Api.with(publishBody("api/openapi.yaml", "d", null, "l4", 1), "kind", "api-contract"))
                .statusCode(201);
        publish(task, Api.with(publishBody("review/backend", "e", null, "l5", 1), "kind", "review")).statusCode(201);

        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(200)
                .body("key", contains("api/openapi.yaml", "review/backend", "src/main/java/App.java",
                        "src/main/java/util/Strings.java", "src/test/java/AppTest.java"));
        given().queryParam("prefix", "src/main/").get("/api/tasks/{t}/artifacts", task).then()
                .body("key", contains("src/main/java/App.java", "src/main/java/util/Strings.java"));
        given().queryParam("glob", "src/*/java/*.java").get("/api/tasks/{t}/artifacts", task).then()
                .body("key", contains("src/main/java/App.java", "src/test/java/AppTest.java"));
        given().queryParam("glob", "src/**/*.java").get("/api/tasks/{t}/artifacts", task).then()
                .body("$", hasSize(3));
        given().queryParam("kind", "api-contract").queryParam("kind", "review").get("/api/tasks/{t}/artifacts", task)
                .then().body("key", contains("api/openapi.yaml", "review/backend"))
                .body("kind", contains("api-contract", "review"));
        given().queryParam("kind", "poem").get("/api/tasks/{t}/artifacts", task)
                .then().statusCode(400).body("detail", containsString("unknown artifact kind 'poem'"));
    }

    @Test
    void deleteWritesATombstoneVersionAndKeepsHistory() {
        String task = newTaskId();
        publishOk(task, "src/Old.java", "old", null, "d1");

        given().queryParam("baseVersion", 1).queryParam("role", "backend").queryParam("agentId", "worker-2")
                .when().delete("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(201).body("version", equalTo(2)).body("tombstone", equalTo(true))
                .body("origin", equalTo("delete"));

        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(404).body("error", equalTo("artifact-deleted")).body("latestVersion", equalTo(2));
        given().queryParam("version", 1).get("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(200).body("content", equalTo("old"));
        given().get("/api/tasks/{t}/artifacts", task).then().body("$", hasSize(0));
        given().queryParam("includeDeleted", true).get("/api/tasks/{t}/artifacts", task)
                .then().body("key", contains("src/Old.java")).body("tombstone", contains(true));

        // writing on top of the tombstone brings the artifact back
        publishOk(task, "src/Old.java", "new", 2L, "d2");
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java").then().statusCode(200)
                .body("version", equalTo(3)).body("content", equalTo("new"));
    }

    @Test
    void openApiDocumentsTheEndpoints() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{taskId}/artifacts"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{taskId}/conflicts/{conflictId}/resolve"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{taskId}/checkpoints/{name}/rollback"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{taskId}/events"))
                .body("components.schemas.PublishRequest.required", org.hamcrest.Matchers.hasItem("key"))
                .body("components.schemas.ArtifactKind.enum", org.hamcrest.Matchers.hasItem("api-contract"));
    }

    @Test
    void deleteWithoutBaseVersionIsRefused() {
        String task = newTaskId();
        publishOk(task, "x.txt", "x", null, "dd");
        given().queryParam("agentId", "alice").when().delete("/api/tasks/{t}/artifacts/{k}", task, "x.txt")
                .then().statusCode(400).contentType(ContentType.JSON).body("detail", containsString("baseVersion"));
    }
}
