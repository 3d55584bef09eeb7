package dev.cohort.context;

import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.testsupport.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The relay publishes what Kafka accepts, sets aside what it never will, and runs on one replica at a time. */
@QuarkusTest
class ArtifactEventRelayTest extends ContextStoreTestBase {

    private static final Duration RELAY_WAIT = Duration.ofSeconds(60);

    @Inject
    ArtifactEventRepository events;

    @Test
    void anEventKafkaCannotAcceptIsSetAsideAndDeadLetteredAndTheEventsBehindItArePublished() throws Exception {
        String task = newTaskId();
        publishOk(task, "before.txt", "b", null);
        String poisonId = appendPoisonedEvent(task, "poison.txt", 1_100_000);
        publishOk(task, "after.txt", "a", null);

        await().atMost(RELAY_WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> events.countUnpublished(task).await().indefinitely() == 0);
        Row poisoned = pool.preparedQuery("select published_at, set_aside_at, set_aside_reason from artifact_event"
                + " where event_id = $1").execute(Tuple.of(UUID.fromString(poisonId))).await().indefinitely()
                .iterator().next();
        assertNull(poisoned.getValue("published_at"));
        assertNotNull(poisoned.getValue("set_aside_at"));
        assertTrue(poisoned.getString("set_aside_reason").contains("RecordTooLargeException"),
                poisoned.getString("set_aside_reason"));

        List<String> onKafka = TopicReader.read(Topics.ARTIFACT_EVENTS,
                        read -> read.stream().filter(r -> task.equals(r.key())).count() >= 2, RELAY_WAIT, Duration.ofSeconds(1))
                .stream().filter(r -> task.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), ArtifactEvent.class).key()).toList();
        assertEquals(List.of("before.txt", "after.txt"), onKafka);

        List<ConsumerRecord<String, String>> dead = TopicReader.read(Topics.DEAD_LETTER,
                        read -> read.stream().anyMatch(r -> task.equals(r.key())), RELAY_WAIT, Duration.ZERO)
                .stream().filter(r -> task.equals(r.key())).toList();
        assertEquals(1, dead.size());
        ConsumerRecord<String, String> letter = dead.get(0);
        assertEquals(Topics.ARTIFACT_EVENTS, header(letter, Topics.DEAD_LETTER_TOPIC_HEADER));
        assertTrue(header(letter, Topics.DEAD_LETTER_REASON_HEADER).contains("RecordTooLargeException"));
        assertTrue(letter.value().length() < 4096, "the dead letter names the event, it does not carry it");
        JsonNode value = EventCodec.mapper().readTree(letter.value());
        assertEquals(poisonId, value.path("eventId").asText());
        assertEquals(2, value.path("taskSeq").asLong());
        assertEquals("poison.txt", value.path("key").asText());
        // a refused record is the relay's to handle, not a reason to restart the process
        given().get("/q/health/live").then().body("status", equalTo("UP"));
    }

    @Test
    void aRelayThatDoesNotGetTheLockSkipsItsRoundSoReplicasNeverPublishOutOfOrder() {
        String task = newTaskId();
        SqlConnection other = pool.getConnection().await().indefinitely();
        Transaction tx = other.begin().await().indefinitely();
        try {
            // another replica's relay round, holding the lock
            other.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(ArtifactEventRepository.RELAY_LOCK))
                    .await().indefinitely();
            int settled = events.relayPending(10, pending -> Uni.createFrom().failure(
                    new AssertionError("relayed without the lock"))).await().indefinitely();
            assertEquals(-1, settled);

            publishOk(task, "held.txt", "h", null);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> events.countUnpublished(task).await().indefinitely() == 1);
        } finally {
            tx.rollback().await().indefinitely();
            other.close().await().indefinitely();
        }
        await().atMost(RELAY_WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> events.countUnpublished(task).await().indefinitely() == 0);
    }

    /** Appends an event as a write would, under the task's lock, but far too large for a Kafka record. */
    private String appendPoisonedEvent(String task, String key, int bytes) {
        String eventId = UUID.randomUUID().toString();
        String payload = "{\"type\":\"artifact.published\",\"eventId\":\"" + eventId + "\",\"padding\":\""
                + "x".repeat(bytes) + "\"}";
        pool.withTransaction(conn -> conn.preparedQuery("update artifact_task set last_event_seq = last_event_seq + 1"
                        + " where task_id = $1 returning last_event_seq").execute(Tuple.of(task))
                .chain(rows -> conn.preparedQuery("insert into artifact_event (task_id, task_seq, event_id, event_type,"
                                + " artifact_key, payload, created_at) values ($1, $2, $3, 'artifact.published', $4, $5,"
                                + " now())")
                        .execute(Tuple.of(task, rows.iterator().next().getLong("last_event_seq"),
                                UUID.fromString(eventId), key, payload))))
                .await().indefinitely();
        return eventId;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
