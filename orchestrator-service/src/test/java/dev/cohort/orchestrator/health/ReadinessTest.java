package dev.cohort.orchestrator.health;

import dev.cohort.testsupport.Readiness;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Readiness means something: it follows the database and the broker down and back up. */
@QuarkusTest
class ReadinessTest {

    @Test
    void readinessFollowsTheDatabase() {
        Readiness.followsTheDatabase(() -> { });
    }

    @Test
    void readinessFollowsTheBroker() {
        Readiness.followsTheBroker(() -> { });
    }
}
