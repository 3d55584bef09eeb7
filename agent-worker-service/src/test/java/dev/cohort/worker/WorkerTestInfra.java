package dev.cohort.worker;

import dev.cohort.testsupport.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real broker every worker test runs against. Without it the application under test would take
 * {@code kafka.bootstrap.servers=localhost:9092} from application.properties and join the share groups of
 * whatever local Cohort runs there, taking its dispatches.
 */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
public final class WorkerTestInfra {

    private WorkerTestInfra() {
    }
}
