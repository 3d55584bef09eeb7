package dev.cohort.context.messaging;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.repository.ArtifactEventRepository.PendingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the artifact event log to Kafka in order. Events are marked published only after Kafka acknowledged
 * them, so an event is never lost; after a crash between the acknowledgement and the mark it is sent again
 * (at-least-once, consumers deduplicate by {@code eventId}).
 */
@ApplicationScoped
public class ArtifactEventRelay {

    /** The outgoing channel, bound to {@link dev.cohort.contracts.Topics#ARTIFACT_EVENTS} in application.properties. */
    public static final String CHANNEL = "artifact-events";

    private final Emitter<String> emitter;
    private final ArtifactEventRepository events;
    private final ContextStoreConfig config;
    private final Counter relayed;
    private final Counter unacknowledged;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();

    public ArtifactEventRelay(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
                              Emitter<String> emitter,
                              ArtifactEventRepository events, ContextStoreConfig config, MeterRegistry metrics) {
        this.emitter = emitter;
        this.events = events;
        this.config = config;
        this.relayed = Counter.builder("cohort.context.events.relayed")
                .description("Artifact events acknowledged by Kafka").register(metrics);
        this.unacknowledged = Counter.builder("cohort.context.events.unacknowledged")
                .description("Artifact event sends that Kafka did not acknowledge; they are retried").register(metrics);
    }

    /** The safety net: picks up events written while Kafka was away, or by a replica that died before relaying. */
    @Scheduled(every = "${cohort.context.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        wake();
    }

    /** Starts a relay round unless one is running; a running round goes round again when it finishes. */
    public void wake() {
        wanted.set(true);
        if (running.compareAndSet(false, true)) {
            round();
        }
    }

    private void round() {
        wanted.set(false);
        int batch = config.relayBatchSize();
        events.relayPending(batch, this::send).subscribe().with(
                acked -> {
                    running.set(false);
                    // A full batch or a write during the round means more may be waiting; a failed send waits for
                    // the schedule instead, so a missing broker is not hammered.
                    if (acked == batch || (acked >= 0 && wanted.get())) {
                        wake();
                    }
                },
                failure -> {
                    running.set(false);
                    Log.warnf("artifact event relay: %s; unpublished events stay queued", failure.toString());
                });
    }

    /** Sends the events in order and returns the ids Kafka acknowledged. */
    private Uni<List<Long>> send(List<PendingEvent> pending) {
        List<CompletableFuture<Long>> acks = new ArrayList<>(pending.size());
        for (PendingEvent event : pending) {
            CompletableFuture<Long> ack = new CompletableFuture<>();
            Message<String> message = Message.of(event.payload())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build())
                    .withAck(() -> {
                        ack.complete(event.id());
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        ack.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    });
            try {
                emitter.send(message);
            } catch (RuntimeException e) {
                // the rest would be out of order behind this one; they go in a later round
                Log.warnf("artifact event relay: cannot hand event %d to Kafka: %s", event.id(), e.toString());
                break;
            }
            acks.add(ack);
        }
        CompletableFuture<Void> settled = CompletableFuture.allOf(acks.stream()
                        .map(a -> a.handle((id, failure) -> id))
                        .toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, config.relaySendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return Uni.createFrom().completionStage(settled).map(ignored -> {
            List<Long> acked = new ArrayList<>();
            for (CompletableFuture<Long> ack : acks) {
                if (ack.isDone() && !ack.isCompletedExceptionally()) {
                    acked.add(ack.join());
                } else {
                    // stop at the first gap so that the log is published as a prefix, in order
                    break;
                }
            }
            relayed.increment(acked.size());
            if (acked.size() < pending.size()) {
                unacknowledged.increment(pending.size() - acked.size());
                Log.warnf("artifact event relay: Kafka acknowledged %d of %d events; the rest are retried",
                        acked.size(), pending.size());
            }
            return acked;
        });
    }
}
