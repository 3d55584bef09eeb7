package dev.cohort.orchestrator.service;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.messaging.AgentEventsWatermark;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Periodically reclaims expired leases, dispatches again what no worker started by its deadline, and starts due
 * retries. A lease counts as expired only once the agent events written before it ran out have all been read
 * ({@link AgentEventsWatermark}). Safe to run on every orchestrator replica.
 */
@ApplicationScoped
public class LeaseSweeper {

    private final OrchestrationService orchestration;
    private final OutboxRelay relay;
    private final DatabaseClock clock;
    private final AgentEventsWatermark watermark;

    private final OrchestratorConfig config;

    public LeaseSweeper(OrchestrationService orchestration, OutboxRelay relay, DatabaseClock clock,
                        AgentEventsWatermark watermark, OrchestratorConfig config) {
        this.config = config;
        this.orchestration = orchestration;
        this.relay = relay;
        this.clock = clock;
        this.watermark = watermark;
    }

    private volatile boolean stopping;
    private volatile boolean failing;

    /** The database pool closes on the way out: a sweep then would only fail, once a second, until the end. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${cohort.orchestrator.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return clock.refresh()
                .flatMap(now -> watermark.sample(now)
                        .flatMap(ignored -> orchestration.sweep(now, watermark.reclaimBefore(config.leaseTtl()))))
                .invoke(relay::kick)
                .invoke(() -> {
                    if (failing) {
                        failing = false;
                        Log.info("Lease sweeps work again");
                    }
                })
                .onFailure().invoke(e -> {
                    // Once per outage, not once a second.
                    if (!failing) {
                        failing = true;
                        Log.warnf("Lease sweep failed, will run again: %s", e.getMessage());
                    }
                })
                .onFailure().recoverWithNull();
    }
}
