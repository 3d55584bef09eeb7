package dev.cohort.dashboard;

import dev.cohort.testsupport.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real broker every dashboard test runs against, and stand-ins for the orchestrator and the context store;
 * one application start for all of them.
 */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = StubServersResource.class, scope = TestResourceScope.GLOBAL)
public final class DashboardTestInfra {

    private DashboardTestInfra() {
    }
}
