package dev.cohort.worker.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Readiness means something: a worker takes and reports work over Kafka only, so it follows the broker. */
@QuarkusTest
class ReadinessTest {

    @Test
    void readinessFollowsTheBroker() {
        EmbeddedKafkaBroker kafka = CohortInfra.embeddedKafka().orElse(null);
        Assumptions.assumeTrue(kafka != null, "stopping the broker needs the embedded one, not an external broker");
        awaitReady(200, "UP");
        given().when().get("/q/health/ready").then()
                .body("checks.findAll { it.status == 'UP' }.name", hasItem(containsString("Kafka")));

        kafka.stop();
        try {
            awaitReady(503, "DOWN");
            given().when().get("/q/health/ready").then()
                    .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(containsString("Kafka")));
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
