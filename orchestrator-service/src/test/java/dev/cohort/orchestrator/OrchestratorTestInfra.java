package dev.cohort.orchestrator;

import dev.cohort.orchestrator.mcp.ContextStoreStub;
import dev.cohort.testsupport.KafkaTestResource;
import dev.cohort.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real broker and database every orchestrator test runs against, and a stand-in context store for the MCP
 * artifact tools; one application start for all of them.
 */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "cohort_orchestrator_test"))
@WithTestResource(value = ContextStoreStub.class, scope = TestResourceScope.GLOBAL)
public final class OrchestratorTestInfra {

    private OrchestratorTestInfra() {
    }
}
