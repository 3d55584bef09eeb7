package dev.cohort.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Readiness that means something: a service under test (RestAssured's default base URI) reports not ready while a
 * dependency is away, names the failing check, stays alive meanwhile, and is ready again when it is back.
 */
public final class Readiness {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private Readiness() {
    }

    /** Follows the embedded broker down and up; {@code whileDown} runs while it is stopped. */
    public static void followsTheBroker(Runnable whileDown) {
        EmbeddedKafkaBroker kafka = CohortInfra.embeddedKafka().orElse(null);
        Assumptions.assumeTrue(kafka != null, "stopping the broker needs the embedded one, not an external broker");
        followsOutage("Kafka", kafka::stop, kafka::start, whileDown);
    }

    /** Follows the embedded database down and up; {@code whileDown} runs while it is stopped. */
    public static void followsTheDatabase(Runnable whileDown) {
        EmbeddedPostgresServer postgres = CohortInfra.embeddedPostgres().orElse(null);
        Assumptions.assumeTrue(postgres != null, "stopping the database needs the embedded one, not an external server");
        followsOutage("database", postgres::stop, postgres::start, whileDown);
    }

    /**
     * Ready, with a check whose name holds {@code check}; then, with the dependency stopped, not ready with that check
     * DOWN while liveness stays UP (an outage must not get the service restarted); then ready again.
     */
    public static void followsOutage(String check, Runnable stop, Runnable start, Runnable whileDown) {
        awaitReady(200, "UP");
        given().get("/q/health/ready").then()
                .body("checks.findAll { it.status == 'UP' }.name", hasItem(containsStringIgnoringCase(check)));
        stop.run();
        try {
            awaitReady(503, "DOWN");
            given().get("/q/health/ready").then()
                    .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(containsStringIgnoringCase(check)));
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            whileDown.run();
        } finally {
            start.run();
        }
        awaitReady(200, "UP");
    }

    public static void awaitReady(int httpStatus, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(httpStatus).body("status", equalTo(status)));
    }
}
