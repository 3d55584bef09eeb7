package dev.cohort.context;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publishAs;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishOk;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.cohort.context.model.ContentHash;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArtifactPublishTest extends ContextStoreTestBase {

    @Test
    void publishCreatesVersionOneAndGetReturnsItWithMetadata() throws Exception {
        String task = newTaskId();
        String content = "class App {}\n";
        Lease lease = dispatch(task, "sub-1", 1, "src/main/java/App.java");
        lease.publish("src/main/java/App.java", content, null)
                .statusCode(201)
                .header("Location", containsString("/api/tasks/" + task + "/artifacts/src/main/java/App.java?version=1"))
                .body("version", equalTo(1))
                .body("key", equalTo("src/main/java/App.java"))
                .body("kind", equalTo("code"))
                .body("contentHash", equalTo(ContentHash.of(content)))
                .body("sizeBytes", equalTo(content.length()))
                .body("author.role", equalTo("backend"))
                .body("author.agentId", equalTo("worker-a/backend"))
                .body("provider", equalTo("ollama"))
                .body("subtaskId", equalTo("sub-1"))
                .body("attempt", equalTo(1))
                .body("replayed", equalTo(false))
                .body("$", not(hasKey("leaseToken")));

        given().when().get("/api/tasks/{t}/artifacts/{k}", task, "src/main/java/App.java")
                .then().statusCode(200)
                .body("version", equalTo(1))
                .body("content", equalTo(content))
                .body("model", equalTo("qwen2.5-coder:7b"))
                .body("origin", equalTo("publish"))
                .body("$", not(hasKey("leaseToken")));
    }

    @Test
    void aPersonsWriteIsRecordedUnderTheirNameWhateverTheBodySays() {
        String task = newTaskId();
        publishAs(TestTokens.bearer(TestTokens.operator()), task,
                with(with(personBody("notes.md", "by hand", null), "agentId", "someone-else"), "role", "lead"))
                .statusCode(201)
                .body("author.agentId", equalTo("test-operator"))
                .body("author.role", nullValue())
                .body("subtaskId", nullValue());
        given().get("/api/tasks/{t}/history/{k}", task, "notes.md").then().body("author.agentId", contains("test-operator"));
    }

    @Test
    void updateWithCurrentBaseAddsVersionAndKeepsEveryOldOne() {
        String task = newTaskId();
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\n", null);
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\ninfo: {}\n", 1L);
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0\ninfo: {title: x}\n", 2L);

        given().get("/api/tasks/{t}/artifacts/{k}", task, "api/openapi.yaml")
                .then().statusCode(200).body("version", equalTo(3)).body("content", containsString("title: x"));
        given().queryParam("version", 1).get("/api/tasks/{t}/artifacts/{k}", task, "api/openapi.yaml")
                .then().statusCode(200).body("version", equalTo(1)).body("content", equalTo("openapi: 3.1.0\n"));
        given().get("/api/tasks/{t}/history/{k}", task, "api/openapi.yaml")
                .then().statusCode(200)
                .body("version", contains(1, 2, 3))
                .body("author.agentId", contains("test-admin", "test-admin", "test-admin"))
                .body("[0].content", nullValue());
    }

    @Test
    void diffBetweenTwoVersionsIsUnified() {
        String task = newTaskId();
        publishOk(task, "plan", "step one\nstep two\nstep three\n", null);
        publishOk(task, "plan", "step one\nstep 2\nstep three\nstep four\n", 1L);

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
    void retriedPublishReturnsTheSameVersionWithoutStoringAnother() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "sub-retry", 1, "src/App.java");
        var body = first.body("src/App.java", "v1", null);
        first.publish(body).statusCode(201).body("version", equalTo(1));
        first.publish(body).statusCode(200).body("version", equalTo(1)).body("replayed", equalTo(true));

        // the same attempt's retry of an update also answers with what it stored first
        Lease second = dispatch(task, "sub-retry-2", 1, "src/");
        var update = second.body("src/App.java", "v2", 1L);
        second.publish(update).statusCode(201).body("version", equalTo(2));
        second.publish(update).statusCode(200).body("version", equalTo(2));

        // a new attempt of the same subtask is a new write
        dispatch(task, "sub-retry-2", 2, "src/").publish("src/App.java", "v3", 2L).statusCode(201)
                .body("version", equalTo(3));

        given().get("/api/tasks/{t}/history/{k}", task, "src/App.java").then().body("version", contains(1, 2, 3));
    }

    @Test
    void sameAttemptWritingOtherContentToTheSameKeyIsRefusedNotDropped() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "sub-x", 1, "src/App.java");
        lease.publish("src/App.java", "first", null).statusCode(201);
        lease.publish("src/App.java", "second", 1L)
                .statusCode(409).body("error", equalTo("attempt-already-wrote"))
                .body("detail", containsString("version 1"));
        given().get("/api/tasks/{t}/history/{k}", task, "src/App.java").then().body("$", hasSize(1));
    }

    @Test
    void deletesAreAnAdminsAndAWorkerCannotDeleteEvenWithinItsAttempt() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "sub-s", 1, "tmp/");
        lease.publish("tmp/scratch.txt", "scratch", null).statusCode(201);
        given().header("Authorization", lease.bearer()).queryParam("baseVersion", 1)
                .queryParam("subtaskId", "sub-s").queryParam("attempt", 1).queryParam("leaseToken", lease.token())
                .delete("/api/tasks/{t}/artifacts/{k}", task, "tmp/scratch.txt").then()
                .statusCode(403).body("error", equalTo("forbidden"));
        // an admin's delete names no subtask
        given().queryParam("baseVersion", 1).queryParam("subtaskId", "sub-s").queryParam("attempt", 1)
                .delete("/api/tasks/{t}/artifacts/{k}", task, "tmp/scratch.txt").then()
                .statusCode(403).body("error", equalTo("not-a-worker"));
        Api.delete(task, "tmp/scratch.txt", 1).statusCode(201).body("version", equalTo(2))
                .body("author.agentId", equalTo("test-admin"));
    }

    @Test
    void concurrentRetriesOfOnePublishStoreOneVersion() throws Exception {
        String task = newTaskId();
        var body = dispatch(task, "sub-dup", 1, "notes/").body("notes/design.md", "# design", null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> Api.publish(task, body).extract().jsonPath().getInt("version"));
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
        publishOk(task, "src/main/java/App.java", "a", null);
        publishOk(task, "src/main/java/util/Strings.java", "b", null);
        publishOk(task, "src/test/java/AppTest.java", "c", null);
        publishAsPerson(task, with(personBody("api/openapi.yaml", "d", null), "kind", "api-contract")).statusCode(201);
        publishAsPerson(task, with(personBody("review/backend", "e", null), "kind", "review")).statusCode(201);

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
        publishOk(task, "src/Old.java", "old", null);

        // role and agentId are accepted and ignored: the delete is the admin's
        given().queryParam("baseVersion", 1).queryParam("role", "backend").queryParam("agentId", "worker-2")
                .when().delete("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(201).body("version", equalTo(2)).body("tombstone", equalTo(true))
                .body("origin", equalTo("delete")).body("author.agentId", equalTo("test-admin"));

        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(404).body("error", equalTo("artifact-deleted")).body("latestVersion", equalTo(2));
        given().queryParam("version", 1).get("/api/tasks/{t}/artifacts/{k}", task, "src/Old.java")
                .then().statusCode(200).body("content", equalTo("old"));
        given().get("/api/tasks/{t}/artifacts", task).then().body("$", hasSize(0));
        given().queryParam("includeDeleted", true).get("/api/tasks/{t}/artifacts", task)
                .then().body("key", contains("src/Old.java")).body("tombstone", contains(true));

        // writing on top of the tombstone brings the artifact back
        publishOk(task, "src/Old.java", "new", 2L);
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
        publishOk(task, "x.txt", "x", null);
        given().queryParam("agentId", "alice").when().delete("/api/tasks/{t}/artifacts/{k}", task, "x.txt")
                .then().statusCode(400).contentType(ContentType.JSON).body("detail", containsString("baseVersion"));
    }
}
