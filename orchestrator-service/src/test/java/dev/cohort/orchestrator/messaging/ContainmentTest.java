package dev.cohort.orchestrator.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.service.ScriptedWorker;
import dev.cohort.testsupport.Readiness;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.testsupport.TopicWriter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No record stops a stream: what cannot be applied is dead-lettered with its cause and its task fails with a
 * reference to it; what cannot be published is set aside; the records behind either go on being applied.
 */
@QuarkusTest
class ContainmentTest {

    static final String PLAN = """
            {"subtasks": [
              {"id": "b", "role": "backend", "title": "API", "instructions": "", "dependsOn": [], "writes": ["a,b.txt"]}
            ]}""";

    static ScriptedWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(ContainmentTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    /** Plans; the backend's subtask is started by an agent whose id does not fit, or left waiting. */
    static List<AgentEvent> script(SubtaskDispatch d) {
        if (d.kind() == SubtaskKind.PLAN) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d, PLAN));
        }
        if (d.kind() == SubtaskKind.SUMMARY) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d, "The team built it."));
        }
        if (d.taskDescription().equals("unfit")) {
            return List.of(new AgentStarted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "x".repeat(300),
                    d.role(), ScriptedWorker.MODEL));
        }
        return List.of();
    }

    @Test
    void aConflictOfATaskIdThatIsNotAUuidIsDeadLetteredAndTheStreamMovesOn() throws Exception {
        String id = submit("waiting");
        awaitBackendDispatched(id);
        String subtaskId = given().get("/api/tasks/" + id).then().extract()
                .path("subtasks.find { it.key == 'b' }.id");
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            // As the context store reports plain HTTP writes to a task named "demo".
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, "demo", EventCodec.encode(
                    new ArtifactConflict("demo", "notes.md", "c-1", 1, 2, "someone", null, 0)))).get();
            // Behind it, a conflict of a real task: it must still be merged.
            producer.send(new ProducerRecord<>(Topics.ARTIFACT_EVENTS, id, EventCodec.encode(
                    new ArtifactConflict(id, "a,b.txt", "c-2", 1, 2, "backend", subtaskId, 1)))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("subtasks.key", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.startsWith("merge"))));

        List<ConsumerRecord<String, String>> dead = TopicReader.read(Topics.DEAD_LETTER,
                records -> records.stream().anyMatch(r -> "demo".equals(r.key())), Duration.ofSeconds(30),
                Duration.ZERO);
        ConsumerRecord<String, String> letter = dead.stream().filter(r -> "demo".equals(r.key())).findFirst().orElseThrow();
        String reason = new String(letter.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("demo"), reason);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        // The plan key with a comma in it survived as one key.
        assertEquals(List.of("a,b.txt"), given().get("/api/tasks/" + id).then().extract().jsonPath()
                .getList("subtasks.find { it.key == 'b' }.writes"));
    }

    @Test
    void anEventWhoseValuesDoNotFitFailsItsTaskWithAReferenceAndTheStreamMovesOn() {
        String id = submit("unfit");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("status", equalTo("failed")));
        JsonPath task = given().get("/api/tasks/" + id).then().extract().jsonPath();
        String reason = task.getString("statusReason");
        assertTrue(reason.contains("dead-lettered (" + Topics.AGENT_EVENTS + ":"), reason);
        // Later tasks are applied as before.
        String next = submit("waiting");
        awaitBackendDispatched(next);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void anOutboxRowThatKafkaWillNotTakeIsSetAsideItsTaskFailsAndTheRowsBehindItArePublished() throws Exception {
        String id = submit("waiting");
        awaitBackendDispatched(id);
        String huge = "{\"type\":\"task.note\",\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        try (Connection c = DriverManager.getConnection(config("quarkus.datasource.jdbc.url"),
                config("quarkus.datasource.username"), config("quarkus.datasource.password"));
             PreparedStatement insert = c.prepareStatement("INSERT INTO outbox (event_id, topic, record_key, payload, "
                     + "created_at, task_id) VALUES (?, ?, ?, ?, now(), ?)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, Topics.TASK_EVENTS);
            insert.setString(3, id);
            insert.setString(4, huge);
            insert.setObject(5, UUID.fromString(id));
            insert.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("status", equalTo("failed"))
                .body("statusReason", containsString("could not be published")));
        // The task's failure, written behind the row that was set aside, reached Kafka.
        List<ConsumerRecord<String, String>> events = TopicReader.read(Topics.TASK_EVENTS,
                records -> records.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("\"task.failed\"")),
                Duration.ofSeconds(30), Duration.ZERO);
        assertTrue(events.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("\"task.failed\"")));
        // New work still goes out.
        awaitBackendDispatched(submit("waiting"));
    }

    @Test
    void reportsThatArriveWhileTheDatabaseIsAwayAreAppliedWhenItIsBack() {
        String id = submit("waiting");
        awaitBackendDispatched(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.receivedFor(id).stream()
                .anyMatch(d -> d.kind() == SubtaskKind.WORK));
        SubtaskDispatch backend = worker.receivedFor(id).stream().filter(d -> d.kind() == SubtaskKind.WORK)
                .findFirst().orElseThrow();
        // The backend's agent starts and finishes while the database is stopped; liveness stays UP meanwhile.
        Readiness.followsTheDatabase(() -> {
            worker.send(ScriptedWorker.started(backend));
            worker.send(ScriptedWorker.completed(backend, null));
            try {
                Thread.sleep(3000); // the consumer retries against the missing database meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            given().get("/q/health/live").then().statusCode(200);
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/tasks/" + id).then()
                .body("status", equalTo("completed")));
        assertEquals(1, given().get("/api/tasks/" + id).then().extract().jsonPath()
                .getInt("subtasks.find { it.key == 'b' }.attempt"), "nothing was reclaimed or run again");
    }

    @Test
    void aMessageLongerThanTheLimitIsRefusedWithTheLimit() {
        String id = submit("waiting");
        given().contentType(ContentType.JSON)
                .body(Map.of("to", Map.of("type", "team"), "text", "x".repeat(8001)))
                .post("/api/tasks/" + id + "/messages")
                .then().statusCode(400).body("error", containsString("the limit is 8000"));
        given().contentType(ContentType.JSON)
                .body(Map.of("to", Map.of("type", "team"), "text", "x".repeat(2 * 1024 * 1024)))
                .post("/api/tasks/" + id + "/messages")
                .then().statusCode(413).body("error", containsString("the limit is 1048576 bytes"));
    }

    private static String submit(String scenario) {
        return given().contentType(ContentType.JSON).body(Map.of("description", scenario))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    private static void awaitBackendDispatched(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/tasks/" + id).then().extract()
                .path("subtasks.find { it.key == 'b' && it.status == 'dispatched' }.id") != null);
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }
}
