package dev.cohort.dashboard.health;

import dev.cohort.testsupport.Readiness;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Readiness means something: the dashboard streams nothing without the broker, so it follows the broker down and up. */
@QuarkusTest
class ReadinessTest {

    @Test
    void readinessFollowsTheBroker() {
        Readiness.followsTheBroker(() -> { });
    }
}
