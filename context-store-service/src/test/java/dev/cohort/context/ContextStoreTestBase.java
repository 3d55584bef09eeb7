package dev.cohort.context;

import dev.cohort.testsupport.KafkaTestResource;
import dev.cohort.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.UUID;

/**
 * Every {@code @QuarkusTest} of this module extends this class, so all of them have the same test resources and
 * share one application start (resources with scope MATCHING_RESOURCES are compared across the class hierarchy).
 * Each test uses its own task ids, so tests do not see each other's data.
 */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES,
        initArgs = @ResourceArg(name = "database", value = "cohort_context_test"))
public abstract class ContextStoreTestBase {

    protected static String newTaskId() {
        return "task-" + UUID.randomUUID();
    }
}
