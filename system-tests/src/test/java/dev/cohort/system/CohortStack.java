package dev.cohort.system;

import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import dev.cohort.testsupport.EmbeddedPostgresServer;
import dev.cohort.testsupport.Ports;
import dev.cohort.testsupport.ServiceProcess;
import dev.cohort.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The whole Cohort stack as separate processes, as users run it: the model simulator, the context store, the
 * orchestrator and worker processes, on the tests' real broker and database.
 */
final class CohortStack implements AutoCloseable {

    ServiceProcess simulator;
    ServiceProcess contextStore;
    ServiceProcess orchestrator;
    /** The OpenRouter key every worker of a test stack has: recognisable, and worth nothing. */
    static final String FAKE_OPENROUTER_KEY = "sk-or-v1-cohortscan" + java.util.UUID.randomUUID().toString().replace("-", "");

    /** Further orchestrator replicas on ports of their own, sharing the orchestrator's database and consumer group. */
    final List<ServiceProcess> orchestratorReplicas = new ArrayList<>();
    final List<ServiceProcess> workers = new ArrayList<>();
    final List<ServiceProcess> dashboards = new ArrayList<>();
    private final CohortInfra.Database orchestratorDb;
    private final String prefix;

    /** Fixed ports: the services start side by side, each told where the others will be. */
    private final int simulatorPort = Ports.free();
    private final int contextStorePort = Ports.free();
    /** Workers keep this address across an orchestrator restart, so the orchestrator keeps its port. */
    private final int orchestratorPort = Ports.free();
    private final String orchestratorUrl = "http://localhost:" + orchestratorPort;
    /** The port of the replica {@link #startOrchestratorReplica} starts; the workers know it as a second address. */
    private final int replicaPort = Ports.free();
    /** Settings every worker of this stack gets besides the stack's own (role profiles, say). */
    private final Map<String, String> workerSettings;
    /** Settings every Cohort service of this stack gets (where to export traces, say). */
    private final Map<String, String> everyService;

    CohortStack(String prefix, int workerCount) {
        this(prefix, workerCount, List.of());
    }

    CohortStack(String prefix, int workerCount, List<String> dashboardNames) {
        this(prefix, workerCount, dashboardNames, Map.of());
    }

    /**
     * The stack with these workers ({@code worker-a}, {@code worker-b}, ...), each with {@code workerSettings} in its
     * environment, and dashboards, started side by side.
     */
    CohortStack(String prefix, int workerCount, List<String> dashboardNames, Map<String, String> workerSettings) {
        this(prefix, workerCount, dashboardNames, workerSettings, Map.of());
    }

    /** As above, with {@code everyService} in the environment of the context store, orchestrators, workers and dashboards. */
    CohortStack(String prefix, int workerCount, List<String> dashboardNames, Map<String, String> workerSettings,
                Map<String, String> everyService) {
        this.prefix = prefix;
        this.workerSettings = Map.copyOf(workerSettings);
        this.everyService = Map.copyOf(everyService);
        // The tests call the services as an admin unless a request says otherwise.
        TestTokens.restAssuredAsAdmin();
        Map<String, String> sim = new HashMap<>();
        sim.put("QUARKUS_HTTP_PORT", Integer.toString(simulatorPort));
        // Like OpenRouter, the simulator's OpenAI endpoints then take no call without the workers' key.
        sim.put("COHORT_SIMULATOR_API_KEY", FAKE_OPENROUTER_KEY);
        // Calls take about a second, so parallel work visibly overlaps and a worker can die mid-call.
        sim.put("COHORT_SIMULATOR_DEFAULTS_TIME_TO_FIRST_TOKEN_MS", "100");
        sim.put("COHORT_SIMULATOR_DEFAULTS_TOKENS_PER_SECOND", "200");
        sim.put("COHORT_SIMULATOR_DEFAULTS_ANSWER_TOKENS", "200");
        Map<String, String> store = ServiceProcess.infraEnv(CohortInfra.freshDatabase(prefix + "_context"));
        store.put("QUARKUS_HTTP_PORT", Integer.toString(contextStorePort));
        store.putAll(everyService);
        orchestratorDb = CohortInfra.freshDatabase(prefix + "_orchestrator");

        // A service needs the others only once it works, so all start at once; three at a time keep two cores busy
        // without slowing each start so much that it times out.
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<ServiceProcess> sim0 = start(pool, () -> ServiceProcess.start("model-simulator", prefix + "-simulator", sim));
            CompletableFuture<ServiceProcess> store0 = start(pool, () -> ServiceProcess.start("context-store-service",
                    prefix + "-context-store", store));
            CompletableFuture<ServiceProcess> orch0 = start(pool, () -> ServiceProcess.start("orchestrator-service",
                    prefix + "-orchestrator", orchestratorEnv(orchestratorPort)));
            List<CompletableFuture<ServiceProcess>> workers0 = new ArrayList<>();
            for (int i = 0; i < workerCount; i++) {
                String name = "worker-" + (char) ('a' + i);
                workers0.add(start(pool, () -> ServiceProcess.start("agent-worker-service", prefix + "-" + name, workerEnv(name))));
            }
            List<CompletableFuture<ServiceProcess>> dashboards0 = dashboardNames.stream()
                    .map(name -> start(pool, () -> ServiceProcess.start("dashboard-service", prefix + "-" + name, dashboardEnv())))
                    .toList();

            List<Throwable> failures = new ArrayList<>();
            simulator = started(sim0, failures);
            contextStore = started(store0, failures);
            orchestrator = started(orch0, failures);
            workers0.forEach(w -> workers.add(started(w, failures)));
            dashboards0.forEach(d -> dashboards.add(started(d, failures)));
            if (!failures.isEmpty()) {
                Stream.concat(Stream.of(simulator, contextStore, orchestrator),
                                Stream.concat(workers.stream(), dashboards.stream()))
                        .filter(Objects::nonNull).forEach(ServiceProcess::close);
                IllegalStateException e = new IllegalStateException("the stack did not start: " + failures);
                failures.forEach(e::addSuppressed);
                throw e;
            }
        } finally {
            pool.shutdown();
        }
    }

    private static CompletableFuture<ServiceProcess> start(ExecutorService pool, Supplier<ServiceProcess> start) {
        return CompletableFuture.supplyAsync(start, pool);
    }

    private static ServiceProcess started(CompletableFuture<ServiceProcess> start, List<Throwable> failures) {
        try {
            return start.join();
        } catch (RuntimeException e) {
            failures.add(e.getCause() != null ? e.getCause() : e);
            return null;
        }
    }

    void startOrchestrator() {
        orchestrator = ServiceProcess.start("orchestrator-service", prefix + "-orchestrator", orchestratorEnv(orchestratorPort));
    }

    /**
     * Another orchestrator replica on the port the workers know as the orchestrator's second address: same database,
     * same consumer group. One at a time.
     */
    ServiceProcess startOrchestratorReplica(String name) {
        ServiceProcess replica = ServiceProcess.start("orchestrator-service", prefix + "-" + name,
                orchestratorEnv(replicaPort));
        orchestratorReplicas.add(replica);
        return replica;
    }

    private Map<String, String> orchestratorEnv(int port) {
        Map<String, String> env = ServiceProcess.infraEnv(orchestratorDb);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("COHORT_ORCHESTRATOR_LEASE_TTL", "6s");
        env.put("COHORT_ORCHESTRATOR_RETRY_BACKOFF", "200ms");
        env.put("COHORT_ORCHESTRATOR_TOKEN", TestTokens.orchestrator());
        env.putAll(everyService);
        return env;
    }

    /** Starts the context store again after a kill or close: same port (the workers keep its address), same database. */
    void restartContextStore() {
        restart(List.of(contextStore));
    }

    /** Starts a killed worker again under its name, in its place in {@link #workers}. */
    void restartWorker(String name) {
        restart(List.of(worker(name)));
    }

    /** Starts the embedded database and broker again if a test left them stopped. */
    void restartInfra() {
        CohortInfra.embeddedPostgres().filter(pg -> !pg.running()).ifPresent(EmbeddedPostgresServer::start);
        CohortInfra.embeddedKafka().filter(kafka -> !kafka.running()).ifPresent(EmbeddedKafkaBroker::start);
    }

    /** Starts again, each on its old port, every service process that is no longer running; drops dead replicas. */
    void restartWhatIsDown() {
        orchestratorReplicas.removeIf(replica -> !replica.alive());
        restart(services().stream().filter(s -> !s.alive()).toList());
    }

    /**
     * Kills these services and starts them again, all at once, each on its old port and with its old configuration.
     * Every start is awaited and every started process kept, so one that fails to start leaves no stray process.
     */
    void restart(List<ServiceProcess> services) {
        services.forEach(ServiceProcess::kill);
        Map<ServiceProcess, CompletableFuture<ServiceProcess>> starts = new LinkedHashMap<>();
        services.forEach(s -> starts.put(s, CompletableFuture.supplyAsync(s::startAgain)));
        List<Throwable> failures = new ArrayList<>();
        starts.forEach((old, start) -> {
            try {
                replace(old, start.join());
            } catch (RuntimeException e) {
                failures.add(e.getCause() != null ? e.getCause() : e);
            }
        });
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("services did not start again: " + failures);
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void replace(ServiceProcess old, ServiceProcess again) {
        if (old == simulator) {
            simulator = again;
        } else if (old == contextStore) {
            contextStore = again;
        } else if (old == orchestrator) {
            orchestrator = again;
        } else {
            for (List<ServiceProcess> list : List.of(orchestratorReplicas, workers, dashboards)) {
                list.replaceAll(s -> s == old ? again : s);
            }
        }
    }

    /** Every service process of the stack as it is now, running or not. */
    List<ServiceProcess> services() {
        List<ServiceProcess> all = new ArrayList<>(List.of(simulator, contextStore, orchestrator));
        all.addAll(orchestratorReplicas);
        all.addAll(workers);
        all.addAll(dashboards);
        return all;
    }

    ServiceProcess startWorker(String name) {
        ServiceProcess worker = ServiceProcess.start("agent-worker-service", prefix + "-" + name, workerEnv(name));
        workers.add(worker);
        return worker;
    }

    private Map<String, String> workerEnv(String name) {
        String simulatorUrl = "http://localhost:" + simulatorPort;
        Map<String, String> env = ServiceProcess.infraEnv(null);
        env.put("COHORT_WORKER_NAME", name);
        env.put("COHORT_WORKER_TOKEN", TestTokens.worker(name));
        // A key no run may leak: the simulator is on this machine, so it is sent there in the Authorization header
        // only; SecretScanIT looks for it everywhere else.
        env.put("OPENROUTER_API_KEY", FAKE_OPENROUTER_KEY);
        env.put("COHORT_WORKER_HEARTBEAT_INTERVAL", "1s");
        env.put("COHORT_WORKER_CONTEXT_STORE_URL", "http://localhost:" + contextStorePort);
        env.put("COHORT_WORKER_ORCHESTRATOR_URL", orchestratorUrl + ",http://localhost:" + replicaPort);
        env.put("COHORT_PROVIDERS_OLLAMA_URL", simulatorUrl);
        env.put("COHORT_PROVIDERS_OPENROUTER_URL", simulatorUrl + "/v1");
        env.putAll(workerSettings);
        env.putAll(everyService);
        return env;
    }

    ServiceProcess startDashboard(String name) {
        ServiceProcess dashboard = ServiceProcess.start("dashboard-service", prefix + "-" + name, dashboardEnv());
        dashboards.add(dashboard);
        return dashboard;
    }

    private Map<String, String> dashboardEnv() {
        Map<String, String> env = ServiceProcess.infraEnv(null);
        env.put("COHORT_DASHBOARD_ORCHESTRATOR_URL", orchestratorUrl);
        env.put("COHORT_DASHBOARD_CONTEXT_STORE_URL", "http://localhost:" + contextStorePort);
        env.putAll(everyService);
        return env;
    }

    ServiceProcess worker(String name) {
        return workers.stream().filter(w -> w.name().equals(prefix + "-" + name)).findFirst().orElseThrow();
    }

    /** Clears the simulator's call log, counters and fault rules. */
    /** Submits a task with this description to the orchestrator; its id. */
    String submit(String description) {
        return RestAssured.given().baseUri(orchestrator.url()).contentType(ContentType.JSON)
                .body(Map.of("description", description))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    /** The task's view once it has {@code status}, waiting up to {@code seconds}. */
    JsonPath awaitStatus(String id, String status, int seconds) {
        Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                RestAssured.given().baseUri(orchestrator.url()).get("/api/tasks/" + id).then().statusCode(200)
                        .body("status", Matchers.equalTo(status)));
        return RestAssured.given().baseUri(orchestrator.url()).get("/api/tasks/" + id).then().extract().jsonPath();
    }

    void resetSimulator() {
        RestAssured.given().baseUri(simulator.url()).delete("/sim/calls").then().statusCode(204);
        RestAssured.given().baseUri(simulator.url()).delete("/sim/faults").then().statusCode(204);
    }

    @Override
    public void close() {
        dashboards.forEach(ServiceProcess::close);
        workers.forEach(ServiceProcess::close);
        orchestratorReplicas.forEach(ServiceProcess::close);
        if (orchestrator != null) {
            orchestrator.close();
        }
        contextStore.close();
        simulator.close();
    }
}
