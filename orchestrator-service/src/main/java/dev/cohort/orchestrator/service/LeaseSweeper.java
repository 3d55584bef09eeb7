package dev.cohort.orchestrator.service;

import dev.cohort.orchestrator.config.AdmissionConfig;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.messaging.AgentEventsWatermark;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final AdmissionConfig admission;
    private final Vertx vertx;

    public LeaseSweeper(OrchestrationService orchestration, OutboxRelay relay, DatabaseClock clock,
                        AgentEventsWatermark watermark, OrchestratorConfig config, AdmissionConfig admission,
                        Vertx vertx) {
        this.config = config;
        this.admission = admission;
        this.vertx = vertx;
        this.orchestration = orchestration;
        this.relay = relay;
        this.clock = clock;
        this.watermark = watermark;
    }

    private static final long KICK_DELAY_MILLIS = 20;

    private volatile boolean stopping;
    private volatile boolean failing;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean kicked = new AtomicBoolean();

    /** The database pool closes on the way out: a sweep then would only fail, once a second, until the end. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * A model has a free slot: sweep soon, so that subtasks held back for it (ModelAdmission) go now rather than at
     * the next scheduled sweep. Kicks in quick succession make one sweep.
     */
    void onSlotFreed(@Observes ModelSlotFreed freed) {
        if (freed.model() == null || !admission.enabled() || stopping || !kicked.compareAndSet(false, true)) {
            return;
        }
        // After the transaction that freed the slot has had time to commit; the scheduled sweeps cover the rest.
        vertx.setTimer(KICK_DELAY_MILLIS, id -> {
            kicked.set(false);
            // A context of its own: the timer fires on the context of the transaction that freed the slot, whose
            // database session must not be shared.
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> sweep().subscribe().with(done -> { }, failure -> { }));
        });
    }

    @Scheduled(every = "${cohort.orchestrator.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledSweep() {
        return sweep();
    }

    Uni<Void> sweep() {
        if (stopping || !sweeping.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return clock.refresh()
                .flatMap(now -> watermark.sample(now)
                        .flatMap(ignored -> orchestration.sweep(now, watermark.reclaimBefore(config.leaseTtl().plus(config.reportCatchUp())))))
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
                .onFailure().recoverWithNull()
                .eventually(() -> sweeping.set(false));
    }
}
