package dev.cohort.context;

import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CheckpointTest extends ContextStoreTestBase {

    private static void checkpoint(String task, String name) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "createdBy", "orchestrator"))
                .post("/api/tasks/{t}/checkpoints", task)
                .then().statusCode(201).body("createdBy", equalTo("test-admin"));
    }

    private static io.restassured.response.ValidatableResponse rollback(String task, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("requestedBy", "alice"))
                .post("/api/tasks/{t}/checkpoints/{n}/rollback", task, name).then();
    }

    @Test
    void checkpointAndRollbackRoundTrip() {
        String task = newTaskId();
        publishOk(task, "a.txt", "a1", null);
        publishOk(task, "b.txt", "b1", null);
        checkpoint(task, "before-work");
        given().get("/api/tasks/{t}/checkpoints/{n}", task, "before-work").then().statusCode(200)
                .body("entries.key", contains("a.txt", "b.txt"))
                .body("entries.version", contains(1, 1));

        // work after the checkpoint: change a, delete b, create c
        publishOk(task, "a.txt", "a2", 1L);
        Api.delete(task, "b.txt", 1).statusCode(201);
        publishOk(task, "c.txt", "c1", null);

        rollback(task, "before-work").statusCode(200)
                .body("restored.key", contains("a.txt", "b.txt"))
                .body("restored.version", contains(3, 3))
                .body("restored.fromVersion", contains(1, 1))
                .body("tombstoned.key", contains("c.txt"))
                .body("tombstoned.version", contains(2))
                .body("unchanged", hasSize(0));

        given().get("/api/tasks/{t}/artifacts", task).then()
                .body("key", contains("a.txt", "b.txt"))
                .body("latestVersion", contains(3, 3));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "a.txt").then()
                .body("content", equalTo("a1")).body("origin", equalTo("rollback"))
                .body("author.agentId", equalTo("test-admin"));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "b.txt").then().body("content", equalTo("b1"));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "c.txt").then().statusCode(404)
                .body("error", equalTo("artifact-deleted"));
        // nothing is lost: the work after the checkpoint is still in the history
        given().queryParam("version", 2).get("/api/tasks/{t}/artifacts/{k}", task, "a.txt").then()
                .body("content", equalTo("a2"));
        given().queryParam("version", 1).get("/api/tasks/{t}/artifacts/{k}", task, "c.txt").then()
                .body("content", equalTo("c1"));

        // rolling back again changes nothing
        rollback(task, "before-work").statusCode(200)
                .body("restored", hasSize(0)).body("tombstoned", hasSize(0))
                .body("unchanged", contains("a.txt", "b.txt", "c.txt"));
        given().get("/api/tasks/{t}/history/{k}", task, "a.txt").then().body("$", hasSize(3));
    }

    @Test
    void checkpointNamesAreUniquePerTaskAndUnknownOnesAre404() {
        String task = newTaskId();
        publishOk(task, "x", "x", null);
        checkpoint(task, "one");
        given().contentType(ContentType.JSON).body(Map.of("name", "one", "createdBy", "orchestrator"))
                .post("/api/tasks/{t}/checkpoints", task)
                .then().statusCode(409).body("error", equalTo("checkpoint-exists"));
        given().contentType(ContentType.JSON).body(Map.of("name", "../bad", "createdBy", "orchestrator"))
                .post("/api/tasks/{t}/checkpoints", task)
                .then().statusCode(400).body("error", equalTo("invalid-checkpoint-name"));
        rollback(task, "missing").statusCode(404).body("error", equalTo("unknown-checkpoint"));
        given().get("/api/tasks/{t}/checkpoints", task).then().body("name", contains("one"))
                .body("createdBy", contains("test-admin"));
        // a rollback needs no body: who asks for it is the caller
        given().contentType(ContentType.JSON).post("/api/tasks/{t}/checkpoints/{n}/rollback", task, "one").then()
                .statusCode(200).body("unchanged", contains("x"));
    }

    @Test
    void exportZipHasTheLatestLiveArtifactsAtSafePaths() throws IOException {
        String task = newTaskId();
        publishOk(task, "src/main/java/App.java", "class App {}", null);
        publishOk(task, "src/main/java/App.java", "class App { int v = 2; }", 1L);
        publishOk(task, "api/openapi.yaml", "openapi: 3.1.0", null);
        publishOk(task, "plan", "the plan", null);
        publishOk(task, "gone.txt", "bye", null);
        Api.delete(task, "gone.txt", 1).statusCode(201);

        byte[] zip = given().get("/api/tasks/{t}/export.zip", task).then().statusCode(200)
                .contentType("application/zip")
                .header("Content-Disposition", containsString("task-" + task + ".zip"))
                .extract().asByteArray();

        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(Map.of("api/openapi.yaml", "openapi: 3.1.0", "plan", "the plan",
                "src/main/java/App.java", "class App { int v = 2; }"), entries);
        Path root = Path.of("/tmp/extract-root");
        for (String name : entries.keySet()) {
            assertFalse(name.startsWith("/") || name.contains("\\"), name);
            assertTrue(root.resolve(name).normalize().startsWith(root), name + " stays inside the directory");
        }
    }
}
