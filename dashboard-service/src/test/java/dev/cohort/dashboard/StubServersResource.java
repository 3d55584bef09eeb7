package dev.cohort.dashboard;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the orchestrator and context store stand-ins and points the dashboard at them. */
public class StubServersResource implements QuarkusTestResourceLifecycleManager {

    public static final String ORCHESTRATOR_URL = "cohort.dashboard.orchestrator-url";
    public static final String CONTEXT_STORE_URL = "cohort.dashboard.context-store-url";

    private StubServer orchestrator;
    private StubServer contextStore;

    @Override
    public Map<String, String> start() {
        orchestrator = new StubServer();
        contextStore = new StubServer();
        return Map.of(ORCHESTRATOR_URL, orchestrator.url(), CONTEXT_STORE_URL, contextStore.url());
    }

    @Override
    public void stop() {
        orchestrator.stop();
        contextStore.stop();
    }
}
