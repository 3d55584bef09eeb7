package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.Failures;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.OutboxRecord;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.service.OrchestrationService;
import dev.cohort.outbox.OutboxSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes outbox rows to Kafka and marks them published in the same transaction that locked them. A crash between
 * the Kafka acknowledgement and the commit publishes a row twice, never zero times: consumers de-duplicate on the
 * event id.
 *
 * <p>One relay runs at a time across all replicas (a transaction-scoped advisory lock). It sends a batch through
 * {@link OutboxSender}, as the context store's relay does. A row that Kafka will never take (too large, say) is set
 * aside with its reason, named on the dead-letter topic, and its task fails with that reason, all in the relay's
 * transaction, so it cannot block the rows behind it. A row
 * whose send keeps failing for a reason not known to be transient is set aside after {@link #MAX_UNKNOWN_FAILURES}
 * rounds; transient failures (the broker away) are retried without limit.
 *
 * <p>It runs on a Vert.x timer (the Quarkus scheduler cannot go below one second) and right after a transaction
 * that wrote to the outbox, via {@link #kick()}; one run at a time per process.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String CHANNEL = "outbox";
    static final int MAX_UNKNOWN_FAILURES = 10;

    private final OutboxRepository outbox;
    private final OutboxSender sender;
    private final OrchestratorConfig config;
    private final OrchestrationService orchestration;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile boolean stopping;
    private long timer = -1;

    public OutboxRelay(OutboxRepository outbox,
                       @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                       MutinyEmitter<String> emitter,
                       OrchestratorConfig config, OrchestrationService orchestration, MeterRegistry metrics,
                       Vertx vertx) {
        this.outbox = outbox;
        this.sender = new OutboxSender(emitter, config.outboxSendTimeout());
        this.config = config;
        this.orchestration = orchestration;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.outboxInterval().toMillis(), id -> kick());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        vertx.cancelTimer(timer);
    }

    /** Publishes what is waiting now, or as soon as the run in progress ends. */
    public void kick() {
        if (stopping) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> relay().subscribe().with(this::finished, failure -> finished(0)));
    }

    private void finished(int published) {
        running.set(false);
        // A full batch means more rows may be waiting.
        if (again.get() || published >= config.outboxBatchSize()) {
            kick();
        }
    }

    /** One relay round; the number of rows published. */
    Uni<Integer> relay() {
        return Panache.withTransaction(() -> outbox.lockUnpublished(config.outboxBatchSize()).flatMap(this::publish))
                .invoke(() -> {
                    if (failing.compareAndSet(true, false)) {
                        Log.info("Outbox relay is publishing again");
                    }
                })
                .onFailure().invoke(e -> {
                    // Once per outage, not once per round.
                    if (failing.compareAndSet(false, true)) {
                        Log.warnf("Outbox relay could not publish, will retry: %s", Failures.describe(e));
                    }
                })
                .onFailure().recoverWithItem(0);
    }

    private Uni<Integer> publish(List<OutboxRecord> records) {
        List<OutboxSender.Row> rows = records.stream()
                .map(r -> new OutboxSender.Row(r.id, r.topic, r.recordKey, r.payload, r.traceParent)).toList();
        return sender.send(rows).flatMap(outcomes -> {
            List<Long> published = new ArrayList<>();
            Uni<Void> setAside = Uni.createFrom().voidItem();
            for (int i = 0; i < records.size(); i++) {
                OutboxRecord record = records.get(i);
                OutboxSender.Outcome outcome = outcomes.get(i);
                if (outcome.published()) {
                    published.add(record.id);
                    continue;
                }
                Throwable failure = outcome.failure();
                record.sendAttempts++;
                if (outcome.refused() || Failures.classify(failure) == Failures.Kind.UNKNOWN
                        && record.sendAttempts >= MAX_UNKNOWN_FAILURES) {
                    setAside = setAside.call(() -> setAside(record, outcome));
                } else if (record.sendAttempts == 1 || record.sendAttempts % 10 == 0) {
                    Log.warnf("Outbox row %d (%s) not published yet (try %d), will retry: %s", record.id,
                            record.topic, record.sendAttempts, Failures.describe(failure));
                }
            }
            int count = published.size();
            metrics.counter("cohort.orchestrator.outbox.published").increment(count);
            return setAside.call(() -> outbox.markPublished(published, Instant.now())).replaceWith(count);
        });
    }

    private Uni<Void> setAside(OutboxRecord record, OutboxSender.Outcome outcome) {
        String reason = outcome.reason();
        record.setAsideAt = Instant.now();
        record.failure = reason;
        metrics.counter("cohort.orchestrator.outbox.set-aside").increment();
        String what = "outbox row " + record.id + " (" + record.topic + ", event " + record.eventId + ", "
                + record.payload.length() + " characters)";
        Log.errorf("Setting aside %s: it cannot be published: %s", what, reason);
        Uni<Void> told = record.taskId == null ? Uni.createFrom().voidItem()
                : orchestration.failTask(record.taskId, "an event of this task could not be published and was "
                        + "set aside (" + what + "): " + reason, what);
        // The notice is best effort: the row itself stays in the table with its reason, and the task is told.
        return told.invoke(() -> sender.deadLetter(outcome.row(), reason,
                        Map.of("source", "cohort-orchestrator", "outboxId", record.id, "eventId", record.eventId.toString()))
                .subscribe().with(ok -> {
                }, failure -> Log.warnf("Could not dead-letter the notice of outbox row %d: %s", record.id,
                        Failures.describe(failure))));
    }

    /** Published rows are kept for a while for inspection, then pruned. */
    @Scheduled(every = "60s", delay = 30, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> prune() {
        return Panache.withTransaction(() -> outbox.prunePublished(config.outboxRetention(), 5000))
                .invoke(n -> {
                    if (n > 0) {
                        Log.debugf("Pruned %d published outbox rows", n);
                    }
                })
                .onFailure().invoke(e -> Log.debugf("Outbox pruning failed, will run again: %s", Failures.describe(e)))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
