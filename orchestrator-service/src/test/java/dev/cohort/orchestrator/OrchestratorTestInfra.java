package dev.cohort.orchestrator;

import dev.cohort.testsupport.KafkaTestResource;
import dev.cohort.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The real broker and database every orchestrator test runs against; one application start for all of them. */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "cohort_orchestrator_test"))
public final class OrchestratorTestInfra {

    private OrchestratorTestInfra() {
    }
}
