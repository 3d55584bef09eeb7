package dev.cohort.dashboard.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.event.TaskResumed;
import dev.cohort.testsupport.TopicWriter;
import dev.cohort.testsupport.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventFeedListenerTest {

    @Test
    void eventsAreServedInOrderAndAPoisonRecordIsSkippedWithoutStoppingTheStream() throws Exception {
        String taskId = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskId,
                    EventCodec.encode(new TaskPaused(taskId, "budget reached")))).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskId, "{\"type\":\"task.paused\",\"taskId\":\"" + taskId
                    + "\"}")).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskId,
                    EventCodec.encode(new TaskResumed(taskId, "alice")))).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("taskId", taskId).when().get("/api/events").then().statusCode(200)
                        .body("type", contains("task.paused", "task.resumed"))
                        .body("[0].id", startsWith(Topics.TASK_EVENTS + ":"))
                        .body("[1].event.resumedBy", equalTo("alice")));

        // The dashboard only reads: it writes nothing to the dead-letter topic (its Kafka user may not).
        List<ConsumerRecord<String, String>> dead = TopicReader.readAll(Topics.DEAD_LETTER).stream()
                .filter(r -> taskId.equals(r.key())).toList();
        assertEquals(List.of(), dead);
    }

    @Test
    void aBadLimitIsRefusedWithAReason() {
        given().queryParam("limit", 0).when().get("/api/events").then().statusCode(400);
        given().queryParam("limit", 5).when().get("/api/events").then().statusCode(200);
    }

}
