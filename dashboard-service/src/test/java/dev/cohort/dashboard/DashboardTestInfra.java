package dev.cohort.dashboard;

import dev.cohort.testsupport.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The real broker every dashboard test runs against; one application start for all of them. */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
public final class DashboardTestInfra {

    private DashboardTestInfra() {
    }
}
