package dev.cohort.context;

import dev.cohort.testsupport.TopicReader;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import dev.cohort.testsupport.EmbeddedPostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Readiness follows the database and the broker. Runs last: it takes the shared infrastructure away for a while. */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class ReadinessTest extends ContextStoreTestBase {

    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(90);

    @Inject
    ArtifactEventRepository events;

    @Inject
    MeterRegistry metrics;


    private double unacknowledged() {
        return metrics.counter("cohort.context.events.unacknowledged").count();
    }

    private static String readiness() {
        return given().get("/q/health/ready").then().extract().jsonPath().getString("status");
    }

    private static void awaitReadiness(String status) {
        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(250)).until(() -> status.equals(readiness()));
    }

    @Test
    void readinessIsDownWhileTheDatabaseIsStopped() {
        Optional<EmbeddedPostgresServer> postgres = CohortInfra.embeddedPostgres();
        Assumptions.assumeTrue(postgres.isPresent(), "PostgreSQL is external (COHORT_TEST_POSTGRES_URL); it cannot be stopped here");
        awaitReadiness("UP");
        postgres.get().stop();
        try {
            awaitReadiness("DOWN");
        } finally {
            postgres.get().start();
        }
        awaitReadiness("UP");
        // and the store works again
        Api.publishOk(newTaskId(), "after-restart.txt", "ok", null);
    }

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndWritesMadeMeanwhileReachKafkaLater() {
        Optional<EmbeddedKafkaBroker> kafka = CohortInfra.embeddedKafka();
        Assumptions.assumeTrue(kafka.isPresent(), "Kafka is external (COHORT_TEST_KAFKA_BOOTSTRAP); it cannot be stopped here");
        awaitReadiness("UP");
        String task = newTaskId();
        kafka.get().stop();
        try {
            awaitReadiness("DOWN");
            // the database is there, so the write is stored; its event waits in the table
            double refusedBefore = unacknowledged();
            Api.publishOk(task, "while-kafka-was-away.txt", "stored", null);
            await().atMost(OUTAGE_WAIT).until(() -> unacknowledged() > refusedBefore);
            assertEquals(1, events.countUnpublished(task).await().indefinitely(), "the event is still queued");
        } finally {
            kafka.get().start();
        }
        awaitReadiness("UP");

        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> events.countUnpublished(task).await().indefinitely() == 0);
        List<String> onKafka = TopicReader.readAll(Topics.ARTIFACT_EVENTS).stream()
                .filter(r -> task.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), ArtifactEvent.class).key())
                .toList();
        assertEquals(List.of("while-kafka-was-away.txt"), onKafka);
    }
}
