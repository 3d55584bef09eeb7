package dev.cohort.orchestrator.messaging;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.OutboxRecord;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes outbox rows to Kafka in id order and marks them published in the same transaction that locked
 * them. A crash between the Kafka acknowledgement and the commit publishes a row twice, never zero times:
 * consumers de-duplicate on the event id.
 *
 * <p>It runs on a Vert.x timer (the Quarkus scheduler cannot go below one second) and right after a transaction
 * that wrote to the outbox, via {@link #kick()}; one run at a time per process.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String CHANNEL = "outbox";

    private final OutboxRepository outbox;
    private final MutinyEmitter<String> emitter;
    private final OrchestratorConfig config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private long timer = -1;

    public OutboxRelay(OutboxRepository outbox, @Channel(CHANNEL) MutinyEmitter<String> emitter,
                       OrchestratorConfig config, Vertx vertx) {
        this.outbox = outbox;
        this.emitter = emitter;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.outboxInterval().toMillis(), id -> kick());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** Publishes what is waiting now, or as soon as the run in progress ends. */
    public void kick() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> relay().subscribe().with(done -> finished(), failure -> finished()));
    }

    private void finished() {
        running.set(false);
        if (again.get()) {
            kick();
        }
    }

    Uni<Void> relay() {
        return Panache.withTransaction(() -> outbox.lockUnpublished(config.outboxBatchSize())
                        .flatMap(this::publishInOrder))
                .onFailure().invoke(e -> Log.warnf("Outbox relay could not publish, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> publishInOrder(List<OutboxRecord> records) {
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(this::publish)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> publish(OutboxRecord record) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic)
                .withKey(record.recordKey)
                .build();
        return emitter.sendMessage(Message.of(record.payload).addMetadata(metadata))
                .invoke(() -> record.publishedAt = Instant.now());
    }
}
