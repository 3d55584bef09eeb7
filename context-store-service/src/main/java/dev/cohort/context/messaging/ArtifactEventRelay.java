package dev.cohort.context.messaging;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.repository.ArtifactEventRepository.PendingEvent;
import dev.cohort.context.repository.ArtifactEventRepository.Relayed;
import dev.cohort.contracts.Topics;
import dev.cohort.outbox.OutboxSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the artifact event log to Kafka in order. Events are marked published only after Kafka acknowledged
 * them, so an event is never lost; after a crash between the acknowledgement and the mark it is sent again
 * (at-least-once, consumers deduplicate by {@code eventId}).
 *
 * <p>An event that Kafka can never accept (too large, unserialisable) would otherwise block every event behind it: it
 * is set aside instead, with the reason, once a record that names it reached the dead-letter topic. Any other failure
 * (the broker away, a timeout) leaves it and the events behind it queued for a later round, in order. Sending is
 * {@link OutboxSender}'s, the same as the orchestrator's outbox relay.
 */
@ApplicationScoped
public class ArtifactEventRelay {

    /** The outgoing channel, bound to {@link dev.cohort.contracts.Topics#ARTIFACT_EVENTS} in application.properties. */
    public static final String CHANNEL = "artifact-events";

    private final OutboxSender sender;
    private final ArtifactEventRepository events;
    private final ContextStoreConfig config;
    private final Counter relayed;
    private final Counter unacknowledged;
    private final Counter setAside;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();

    public ArtifactEventRelay(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
                              MutinyEmitter<String> emitter,
                              ArtifactEventRepository events, ContextStoreConfig config, MeterRegistry metrics) {
        this.sender = new OutboxSender(emitter, config.relaySendTimeout());
        this.events = events;
        this.config = config;
        this.relayed = Counter.builder("cohort.context.events.relayed")
                .description("Artifact events acknowledged by Kafka").register(metrics);
        this.unacknowledged = Counter.builder("cohort.context.events.unacknowledged")
                .description("Artifact event sends that Kafka did not acknowledge; they are retried").register(metrics);
        this.setAside = Counter.builder("cohort.context.events.set-aside")
                .description("Artifact events Kafka can never accept, set aside and dead-lettered").register(metrics);
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
                settled -> {
                    running.set(false);
                    // A full batch or a write during the round means more may be waiting; a failed send waits for
                    // the schedule instead, so a missing broker is not hammered.
                    if (settled == batch || (settled >= 0 && wanted.get())) {
                        wake();
                    }
                },
                failure -> {
                    running.set(false);
                    Log.warnf("artifact event relay: %s; unpublished events stay queued", failure.toString());
                });
    }

    /**
     * Sends the events and returns the longest prefix of them that is settled: each acknowledged by Kafka, or refused
     * for good and named on the dead-letter topic. A refused event stays queued until its notice is on Kafka.
     */
    private Uni<Relayed> send(List<PendingEvent> pending) {
        List<OutboxSender.Row> rows = pending.stream()
                .map(e -> new OutboxSender.Row(e.id(), Topics.ARTIFACT_EVENTS, e.taskId(), e.payload(), e.traceParent())).toList();
        return sender.send(rows).chain(outcomes -> {
            List<PendingEvent> prefix = new ArrayList<>();
            Map<Long, OutboxSender.Outcome> refused = new LinkedHashMap<>();
            for (int i = 0; i < outcomes.size(); i++) {
                OutboxSender.Outcome outcome = outcomes.get(i);
                // stop at the first gap so that the log is published as a prefix, in order
                if (!outcome.published() && !outcome.refused()) {
                    break;
                }
                prefix.add(pending.get(i));
                if (outcome.refused()) {
                    refused.put(pending.get(i).id(), outcome);
                }
            }
            if (refused.isEmpty()) {
                return Uni.createFrom().item(done(pending, prefix, Map.of()));
            }
            return deadLetters(prefix, refused).map(noticed -> {
                Map<Long, String> setAsideNow = new LinkedHashMap<>();
                List<PendingEvent> settled = new ArrayList<>();
                for (PendingEvent event : prefix) {
                    OutboxSender.Outcome outcome = refused.get(event.id());
                    if (outcome != null) {
                        if (!noticed.contains(event.id())) {
                            break;
                        }
                        Log.errorf("artifact event relay: event %s (%s of task %s, sequence %d, row %d) can never be"
                                        + " published and is set aside; a record naming it went to %s: %s",
                                event.eventId(), event.type(), event.taskId(), event.taskSeq(), event.id(),
                                Topics.DEAD_LETTER, outcome.reason());
                        setAsideNow.put(event.id(), outcome.reason());
                    }
                    settled.add(event);
                }
                return done(pending, settled, setAsideNow);
            });
        });
    }

    /** Names each refused event on the dead-letter topic, in order; the ids whose notice Kafka acknowledged. */
    private Uni<List<Long>> deadLetters(List<PendingEvent> prefix, Map<Long, OutboxSender.Outcome> refused) {
        List<Long> noticed = new ArrayList<>();
        Uni<Boolean> chain = Uni.createFrom().item(true);
        for (PendingEvent event : prefix) {
            OutboxSender.Outcome outcome = refused.get(event.id());
            if (outcome == null) {
                continue;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("source", "cohort-context-store");
            details.put("taskId", event.taskId());
            details.put("taskSeq", event.taskSeq());
            details.put("eventId", event.eventId());
            details.put("eventType", event.type());
            details.put("key", event.key());
            chain = chain.chain(previous -> !previous ? Uni.createFrom().item(false)
                    : sender.deadLetter(outcome.row(), outcome.reason(), details)
                            .map(ok -> noticed.add(event.id()))
                            .onFailure().invoke(e -> Log.warnf("artifact event relay: the dead-letter record naming"
                                    + " event %s was not sent; it stays queued: %s", event.eventId(), e.toString()))
                            .onFailure().recoverWithItem(false));
        }
        return chain.replaceWith(noticed);
    }

    private Relayed done(List<PendingEvent> pending, List<PendingEvent> settled, Map<Long, String> setAsideNow) {
        List<Long> published = settled.stream().map(PendingEvent::id).filter(id -> !setAsideNow.containsKey(id)).toList();
        relayed.increment(published.size());
        setAside.increment(setAsideNow.size());
        if (settled.size() < pending.size()) {
            unacknowledged.increment(pending.size() - settled.size());
            Log.warnf("artifact event relay: %d of %d events settled (%d published, %d set aside); the rest are retried",
                    settled.size(), pending.size(), published.size(), setAsideNow.size());
        }
        return new Relayed(published, setAsideNow);
    }
}
