package dev.cohort.worker.service;

import dev.cohort.testsupport.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;

/**
 * Runs stand-ins for the context store and the orchestrator in the test JVM and points a worker serving only the
 * backend role at them (the orchestrator second, after an address where nothing answers), under a known name, in share groups of its own. Kafka reports fail fast, so a test can
 * take the broker away for seconds rather than minutes.
 */
public class WorkerStubsTestResource implements QuarkusTestResourceLifecycleManager {

    static final String WORKER_NAME = "outage-test-worker";

    private static Vertx vertx;
    private static ContextStoreStub contextStore;
    private static OrchestratorStub orchestrator;

    @Override
    public synchronized Map<String, String> start() {
        if (vertx == null) {
            vertx = Vertx.vertx();
            contextStore = new ContextStoreStub(vertx);
            orchestrator = new OrchestratorStub(vertx);
        }
        return Map.ofEntries(
                Map.entry("cohort.worker.context-store-url", contextStore.url()),
                // The first address is a replica that is gone: every question fails over to the stand-in.
                Map.entry("cohort.worker.orchestrator-url", "http://localhost:" + Ports.free() + ", " + orchestrator.url()),
                Map.entry("cohort.worker.roles", "backend,reviewer,tester"),
                Map.entry("cohort.worker.concurrency", "1"),
                Map.entry("cohort.worker.name", WORKER_NAME),
                Map.entry("cohort.worker.share-group-prefix", "outage-test-" + UUID.randomUUID() + "-"),
                Map.entry("cohort.worker.heartbeat-interval", "500ms"),
                Map.entry("cohort.worker.report-timeout", "6s"),
                Map.entry("mp.messaging.outgoing.agent-events.delivery.timeout.ms", "4000"),
                Map.entry("mp.messaging.outgoing.agent-events.request.timeout.ms", "2000"),
                Map.entry("mp.messaging.outgoing.agent-events.max.block.ms", "2000"));
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; it stops with the JVM.
    }

    static ContextStoreStub contextStore() {
        return contextStore;
    }

    static OrchestratorStub orchestrator() {
        return orchestrator;
    }
}
