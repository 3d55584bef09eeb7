package dev.cohort.worker.health;

import dev.cohort.testsupport.Readiness;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Readiness means something: a worker takes and reports work over Kafka only, so it follows the broker. */
@QuarkusTest
class ReadinessTest {

    @Test
    void readinessFollowsTheBroker() {
        Readiness.followsTheBroker(() -> { });
    }
}
