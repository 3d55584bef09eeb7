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
import java.util.stream.Collectors;
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
    void theTimeFromKafkaToTheBrowserStreamsIsMeasuredForEventsWrittenSinceTheStart() throws Exception {
        String taskId = UUID.randomUUID().toString();
        double before = delays();
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            // Written an hour ago, as in the history an instance reads at its start: not a delay of this instance.
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, null,
                    System.currentTimeMillis() - Duration.ofHours(1).toMillis(), taskId,
                    EventCodec.encode(new TaskPaused(taskId, "budget reached")))).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskId,
                    EventCodec.encode(new TaskResumed(taskId, "alice")))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("taskId", taskId).when().get("/api/events").then().statusCode(200)
                        .body("type", contains("task.paused", "task.resumed")));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String delayLines = metrics.lines().filter(l -> l.startsWith("cohort_dashboard_events_delay"))
                .collect(Collectors.joining("\n"));
        assertEquals(before + 1, metric(metrics, "cohort_dashboard_events_delay_seconds_count"),
                "the event written now counts, the one written an hour ago does not:\n" + delayLines);
        // The histogram's buckets: the longest ones hold it, the hour-old one would be in none but +Inf.
        assertEquals(before + 1, metric(metrics, "cohort_dashboard_events_delay_seconds_bucket{le=\"2.5\"}"),
                delayLines);
    }

    private static double delays() {
        return metric(given().when().get("/q/metrics").then().statusCode(200).extract().asString(),
                "cohort_dashboard_events_delay_seconds_count");
    }

    private static double metric(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name.replace("}", ",}") + " "))
                // The value follows the name; an exemplar may follow the value.
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).findFirst().orElse(0);
    }

    @Test
    void aBadLimitIsRefusedWithAReason() {
        given().queryParam("limit", 0).when().get("/api/events").then().statusCode(400);
        given().queryParam("limit", 5).when().get("/api/events").then().statusCode(200);
    }

}
