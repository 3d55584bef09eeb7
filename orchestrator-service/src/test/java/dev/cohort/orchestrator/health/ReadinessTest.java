package dev.cohort.orchestrator.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import dev.cohort.testsupport.EmbeddedPostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Readiness means something: it follows the database and the broker down and back up. */
@QuarkusTest
class ReadinessTest {

    @Test
    void readinessFollowsTheDatabase() {
        EmbeddedPostgresServer postgres = CohortInfra.embeddedPostgres().orElse(null);
        Assumptions.assumeTrue(postgres != null, "stopping the database needs the embedded one, not an external server");
        awaitReady(200, "UP");

        postgres.stop();
        try {
            awaitReady(503, "DOWN");
            given().when().get("/q/health/ready").then()
                    .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(org.hamcrest.Matchers.containsStringIgnoringCase("database")));
        } finally {
            postgres.start();
        }
        awaitReady(200, "UP");
    }

    @Test
    void readinessFollowsTheBroker() {
        EmbeddedKafkaBroker kafka = CohortInfra.embeddedKafka().orElse(null);
        Assumptions.assumeTrue(kafka != null, "stopping the broker needs the embedded one, not an external broker");
        awaitReady(200, "UP");

        kafka.stop();
        try {
            awaitReady(503, "DOWN");
            given().when().get("/q/health/ready").then()
                    .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(org.hamcrest.Matchers.containsString("Kafka")));
        } finally {
            kafka.start();
        }
        awaitReady(200, "UP");
    }

    private static void awaitReady(int httpStatus, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(httpStatus).body("status", equalTo(status)));
    }
}
