package dev.cohort.system;

import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.ServiceProcess;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole Cohort stack as separate processes, as users run it: the model simulator, the context store, the
 * orchestrator and worker processes, on the tests' real broker and database.
 */
final class CohortStack implements AutoCloseable {

    final ServiceProcess simulator;
    final ServiceProcess contextStore;
    ServiceProcess orchestrator;
    final List<ServiceProcess> workers = new ArrayList<>();
    final List<ServiceProcess> dashboards = new ArrayList<>();
    private final CohortInfra.Database orchestratorDb;
    private final String prefix;

    CohortStack(String prefix, int workerCount) {
        this.prefix = prefix;
        Map<String, String> sim = new HashMap<>();
        // Calls take about a second, so parallel work visibly overlaps and a worker can die mid-call.
        sim.put("COHORT_SIMULATOR_DEFAULTS_TIME_TO_FIRST_TOKEN_MS", "100");
        sim.put("COHORT_SIMULATOR_DEFAULTS_TOKENS_PER_SECOND", "200");
        sim.put("COHORT_SIMULATOR_DEFAULTS_ANSWER_TOKENS", "200");
        simulator = ServiceProcess.start("model-simulator", prefix + "-simulator", sim);
        contextStore = ServiceProcess.start("context-store-service", prefix + "-context-store",
                ServiceProcess.infraEnv(CohortInfra.freshDatabase(prefix + "_context")));
        orchestratorDb = CohortInfra.freshDatabase(prefix + "_orchestrator");
        startOrchestrator();
        for (int i = 0; i < workerCount; i++) {
            startWorker("worker-" + (char) ('a' + i));
        }
    }

    /** Workers keep this address across an orchestrator restart, so the orchestrator keeps its port. */
    private final int orchestratorPort = dev.cohort.testsupport.Ports.free();
    private final String orchestratorUrl = "http://localhost:" + orchestratorPort;

    void startOrchestrator() {
        Map<String, String> env = ServiceProcess.infraEnv(orchestratorDb);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(orchestratorPort));
        env.put("COHORT_ORCHESTRATOR_LEASE_TTL", "6s");
        env.put("COHORT_ORCHESTRATOR_RETRY_BACKOFF", "200ms");
        orchestrator = ServiceProcess.start("orchestrator-service", prefix + "-orchestrator", env);
    }

    ServiceProcess startWorker(String name) {
        Map<String, String> env = ServiceProcess.infraEnv(null);
        env.put("COHORT_WORKER_NAME", name);
        env.put("COHORT_WORKER_HEARTBEAT_INTERVAL", "1s");
        env.put("COHORT_WORKER_CONTEXT_STORE_URL", contextStore.url());
        env.put("COHORT_WORKER_ORCHESTRATOR_URL", orchestratorUrl);
        env.put("COHORT_PROVIDERS_OLLAMA_URL", simulator.url());
        env.put("COHORT_PROVIDERS_OPENROUTER_URL", simulator.url() + "/v1");
        ServiceProcess worker = ServiceProcess.start("agent-worker-service", prefix + "-" + name, env);
        workers.add(worker);
        return worker;
    }

    ServiceProcess startDashboard(String name) {
        Map<String, String> env = ServiceProcess.infraEnv(null);
        env.put("COHORT_DASHBOARD_ORCHESTRATOR_URL", orchestratorUrl);
        env.put("COHORT_DASHBOARD_CONTEXT_STORE_URL", contextStore.url());
        ServiceProcess dashboard = ServiceProcess.start("dashboard-service", prefix + "-" + name, env);
        dashboards.add(dashboard);
        return dashboard;
    }

    ServiceProcess worker(String name) {
        return workers.stream().filter(w -> w.name().equals(prefix + "-" + name)).findFirst().orElseThrow();
    }

    /** Clears the simulator's call log, counters and fault rules. */
    void resetSimulator() {
        RestAssured.given().baseUri(simulator.url()).delete("/sim/calls").then().statusCode(204);
        RestAssured.given().baseUri(simulator.url()).delete("/sim/faults").then().statusCode(204);
    }

    @Override
    public void close() {
        dashboards.forEach(ServiceProcess::close);
        workers.forEach(ServiceProcess::close);
        if (orchestrator != null) {
            orchestrator.close();
        }
        contextStore.close();
        simulator.close();
    }
}
