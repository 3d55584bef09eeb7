package dev.cohort.context;

import dev.cohort.testsupport.TopicReader;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.context.model.ArtifactContent;
import dev.cohort.context.model.Provenance;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.service.ArtifactWriter;
import dev.cohort.context.service.WriteCommand;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.contracts.event.ArtifactResolved;
import dev.cohort.contracts.model.ArtifactKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArtifactEventsKafkaTest extends ContextStoreTestBase {

    @Inject
    ArtifactEventRepository events;

    @Inject
    ArtifactWriter writer;


    private void awaitRelayed(String task) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> events.countUnpublished(task).await().indefinitely() == 0);
    }

    private List<ArtifactEvent> eventsOnKafka(String task) {
        List<ArtifactEvent> found = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TopicReader.readAll(Topics.ARTIFACT_EVENTS)) {
            if (task.equals(record.key())) {
                found.add(EventCodec.decode(record.value(), ArtifactEvent.class));
            }
        }
        return found;
    }

    @Test
    void everyStoredVersionHasExactlyOneEventOnKafka() throws Exception {
        String task = newTaskId();
        publishOk(task, "src/A.java", "a1", null);
        Lease writer = dispatch(task, "s2", 1, "src/A.java");
        var retried = writer.body("src/A.java", "a2", 1L);
        writer.publish(retried).statusCode(201);
        writer.publish(retried).statusCode(200);
        String conflictId = publishAsPerson(task, personBody("src/A.java", "stale", 1L)).statusCode(409)
                .extract().jsonPath().getString("conflictId");
        dispatch(task, "m", 1, "src/").resolve(conflictId, "a2+stale", null).statusCode(201);
        publishOk(task, "b.txt", "b1", null);
        given().contentType(ContentType.JSON).body(Map.of("name", "cp"))
                .post("/api/tasks/{t}/checkpoints", task).then().statusCode(201);
        Api.delete(task, "b.txt", 1).statusCode(201);
        publishOk(task, "c.txt", "c1", null);
        given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/tasks/{t}/checkpoints/{n}/rollback", task, "cp").then().statusCode(200);

        // what the database holds: every version of every key
        Map<String, TreeSet<Long>> stored = new TreeMap<>();
        for (String key : List.of("src/A.java", "b.txt", "c.txt")) {
            List<Integer> versions = given().get("/api/tasks/{t}/history/{k}", task, key).then().statusCode(200)
                    .extract().jsonPath().getList("version", Integer.class);
            stored.put(key, new TreeSet<>(versions.stream().map(Integer::longValue).toList()));
        }
        // a1, a2, resolve; b1, delete, rollback restore; c1, rollback tombstone
        assertEquals(Map.of("src/A.java", new TreeSet<>(List.of(1L, 2L, 3L)),
                "b.txt", new TreeSet<>(List.of(1L, 2L, 3L)),
                "c.txt", new TreeSet<>(List.of(1L, 2L))), stored);

        awaitRelayed(task);
        List<ArtifactEvent> onKafka = eventsOnKafka(task);

        Map<String, List<Long>> published = new TreeMap<>();
        List<String> conflicts = new ArrayList<>();
        List<String> resolved = new ArrayList<>();
        Map<String, Integer> eventIds = new HashMap<>();
        for (ArtifactEvent event : onKafka) {
            eventIds.merge(event.eventId(), 1, Integer::sum);
            assertFalse(EventCodec.encode(event).contains("lease"), "events carry nothing of a lease token: " + event);
            if (event instanceof ArtifactPublished p) {
                published.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.version());
            } else if (event instanceof ArtifactConflict c) {
                conflicts.add(c.conflictId());
            } else if (event instanceof ArtifactResolved r) {
                resolved.add(r.conflictId());
            }
        }
        // exactly one event per version, in version order per key
        stored.forEach((key, versions) -> assertEquals(new ArrayList<>(versions), published.get(key), key));
        assertEquals(published.keySet(), stored.keySet());
        assertEquals(List.of(conflictId), conflicts);
        assertEquals(List.of(conflictId), resolved);
        assertTrue(eventIds.values().stream().allMatch(n -> n == 1), "no event id twice: " + eventIds);
    }

    @Test
    void aWriteWhoseTransactionRollsBackLeavesNoVersionAndNoEvent() {
        String task = newTaskId();
        WriteCommand cmd = new WriteCommand(task, "doomed.txt", ArtifactContent.text(ArtifactKind.NOTE, "text/plain", "never"),
                0, Provenance.person("test-admin"), null);

        RuntimeException failure = new IllegalStateException("fails after the write, before commit");
        Throwable thrown = assertThrows(Throwable.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> writer.write(cmd).chain(outcome -> Uni.createFrom().failure(failure)))));
        assertEquals(failure.getMessage(), thrown.getMessage());

        long rows = pool.preparedQuery("select count(*) as n from artifact_event where task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n");
        assertEquals(0, rows, "no event row survived the rollback");
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);

        // the same write committed now is stored and announced once
        publishOk(task, "doomed.txt", "now", null);
        awaitRelayed(task);
        List<ArtifactEvent> onKafka = eventsOnKafka(task);
        assertEquals(1, onKafka.size(), "only the committed write is on Kafka: " + onKafka);
        assertEquals(1, ((ArtifactPublished) onKafka.get(0)).version());
    }
}
