package dev.cohort.orchestrator.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.service.ScriptedWorker;
import dev.cohort.testsupport.TopicWriter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A dispatch that no worker could read fails its task with a reference to the dead letter, instead of waiting. */
@QuarkusTest
class DeadLetterListenerTest {

    static final String PLAN = """
            {"subtasks": [
              {"id": "b", "role": "backend", "title": "API", "instructions": "", "dependsOn": []}
            ]}""";

    static ScriptedWorker worker;

    @BeforeAll
    static void startWorker() {
        // Plans; the backend's dispatch is never answered, as if no worker could read it.
        worker = new ScriptedWorker(DeadLetterListenerTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        if (d.taskDescription().equals("poison") && d.kind() == SubtaskKind.PLAN) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d, PLAN));
        }
        return List.of();
    }

    @Test
    void aDeadLetteredDispatchFailsItsTaskWithAReferenceToTheRecord() throws Exception {
        String id = given().contentType(ContentType.JSON).body(Map.of("description", "poison"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        String[] subtask = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath task = given().get("/api/tasks/" + id).then().extract().jsonPath();
            subtask[0] = task.getString("subtasks.find { it.key == 'b' && it.status == 'dispatched' }.id");
            return subtask[0] != null;
        });

        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            // A dead letter that is not a dispatch (a dashboard could not read an event of this task) changes nothing.
            producer.send(deadLetter(id, Topics.AGENT_MESSAGES, "not an event")).get();
            // The worker's dead letter of the backend's dispatch, keyed by the subtask like the dispatch itself.
            producer.send(deadLetter(subtask[0], "cohort.dispatch.backend", "missing required field 'role'")).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/tasks/" + id).then().body("status", equalTo("failed")));
        JsonPath task = given().get("/api/tasks/" + id).then().extract().jsonPath();
        String reason = task.getString("statusReason");
        assertTrue(reason.contains("cohort.dispatch.backend:1:42"), reason);
        assertTrue(reason.contains("subtask 'b'") && reason.contains("missing required field 'role'"), reason);
        assertEquals("cancelled", task.getString("subtasks.find { it.key == 'b' }.status"), "its dispatch is void");
    }

    @Test
    void aDeadLetterOfAnotherTopicDoesNotFailTheTask() throws Exception {
        String id = given().contentType(ContentType.JSON).body(Map.of("description", "poison"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(
                given().get("/api/tasks/" + id).then().extract().path("status")));
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(deadLetter(id, Topics.AGENT_MESSAGES, "not an event")).get();
            // A marker behind it: once the orchestrator has failed this one, it has read the first one too.
            String other = given().contentType(ContentType.JSON).body(Map.of("description", "poison"))
                    .post("/api/tasks").then().statusCode(201).extract().path("id");
            String[] subtask = new String[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> (subtask[0] = given().get("/api/tasks/" + other).then()
                    .extract().path("subtasks.find { it.key == 'b' && it.status == 'dispatched' }.id")) != null);
            producer.send(deadLetter(subtask[0], "cohort.dispatch.backend", "unreadable")).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(
                    given().get("/api/tasks/" + other).then().extract().path("status")));
        }
        assertEquals("running", given().get("/api/tasks/" + id).then().extract().path("status"));
    }

    private static ProducerRecord<String, String> deadLetter(String key, String topic, String reason) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.DEAD_LETTER, key, "{not json");
        record.headers().add(Topics.DEAD_LETTER_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.DEAD_LETTER_TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.DEAD_LETTER_PARTITION_HEADER, "1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.DEAD_LETTER_OFFSET_HEADER, "42".getBytes(StandardCharsets.UTF_8));
        return record;
    }

}
