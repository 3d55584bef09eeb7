package dev.cohort.context.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.repository.ArtifactEventRepository.PendingEvent;
import dev.cohort.context.repository.ArtifactEventRepository.Relayed;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the artifact event log to Kafka in order. Events are marked published only after Kafka acknowledged
 * them, so an event is never lost; after a crash between the acknowledgement and the mark it is sent again
 * (at-least-once, consumers deduplicate by {@code eventId}).
 *
 * <p>An event that Kafka can never accept (too large, unserialisable) would otherwise block every event behind it: it
 * is set aside instead, with the reason, once a record that names it reached the dead-letter topic. Any other failure
 * (the broker away, a timeout) leaves it and the events behind it queued for a later round, in order.
 */
@ApplicationScoped
public class ArtifactEventRelay {

    /** The outgoing channel, bound to {@link dev.cohort.contracts.Topics#ARTIFACT_EVENTS} in application.properties. */
    public static final String CHANNEL = "artifact-events";

    /** Longest reason put in a dead-letter record's header. */
    private static final int MAX_REASON = 1000;

    private final Emitter<String> emitter;
    private final ArtifactEventRepository events;
    private final ContextStoreConfig config;
    private final Counter relayed;
    private final Counter unacknowledged;
    private final Counter setAside;
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
     * Sends the events in order and returns the longest prefix of them that is settled: each acknowledged by Kafka,
     * or refused for good and named on the dead-letter topic.
     */
    private Uni<Relayed> send(List<PendingEvent> pending) {
        List<CompletableFuture<Void>> acks = sendInOrder(pending.stream().map(ArtifactEventRelay::toArtifactTopic).toList());
        return settle(acks).chain(() -> {
            List<PendingEvent> prefix = new ArrayList<>();
            Map<Long, String> refused = new LinkedHashMap<>();
            for (int i = 0; i < acks.size(); i++) {
                CompletableFuture<Void> ack = acks.get(i);
                Throwable failure = failure(ack);
                // stop at the first gap so that the log is published as a prefix, in order
                if (!ack.isDone() || failure != null && !recordAtFault(failure)) {
                    break;
                }
                prefix.add(pending.get(i));
                if (failure != null) {
                    refused.put(pending.get(i).id(), Failures.describe(failure));
                }
            }
            if (refused.isEmpty()) {
                return Uni.createFrom().item(done(pending, prefix, Map.of()));
            }
            List<PendingEvent> poisoned = prefix.stream().filter(e -> refused.containsKey(e.id())).toList();
            List<CompletableFuture<Void>> deadLetters = sendInOrder(poisoned.stream()
                    .map(e -> toDeadLetter(e, refused.get(e.id()))).toList());
            return settle(deadLetters).map(ignored -> {
                Map<Long, String> setAsideNow = new LinkedHashMap<>();
                List<PendingEvent> settled = new ArrayList<>();
                int next = 0;
                for (PendingEvent event : prefix) {
                    String reason = refused.get(event.id());
                    if (reason != null) {
                        CompletableFuture<Void> deadLetter = next < deadLetters.size() ? deadLetters.get(next++) : null;
                        // until its dead letter is on Kafka, a refused event stays queued and is tried again
                        if (deadLetter == null || !deadLetter.isDone() || failure(deadLetter) != null) {
                            break;
                        }
                        Log.errorf("artifact event relay: event %s (%s of task %s, sequence %d, row %d) can never be"
                                        + " published and is set aside; a record naming it went to %s: %s",
                                event.eventId(), event.type(), event.taskId(), event.taskSeq(), event.id(),
                                Topics.DEAD_LETTER, reason);
                        setAsideNow.put(event.id(), reason);
                    }
                    settled.add(event);
                }
                return done(pending, settled, setAsideNow);
            });
        });
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

    /** Hands the messages to Kafka in order; a message the emitter refuses ends the list, the rest go in a later round. */
    private List<CompletableFuture<Void>> sendInOrder(List<Message<String>> messages) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
        for (Message<String> message : messages) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            try {
                emitter.send(message
                        .withAck(() -> {
                            ack.complete(null);
                            return CompletableFuture.completedFuture(null);
                        })
                        .withNack(failure -> {
                            ack.completeExceptionally(failure);
                            return CompletableFuture.completedFuture(null);
                        }));
            } catch (RuntimeException e) {
                Log.warnf("artifact event relay: cannot hand a record to Kafka: %s", e.toString());
                break;
            }
            acks.add(ack);
        }
        return acks;
    }

    /** Completes when every send is answered or the send timeout passed, whichever comes first. */
    private Uni<Void> settle(List<CompletableFuture<Void>> acks) {
        CompletableFuture<Void> settled = CompletableFuture.allOf(acks.stream()
                        .map(a -> a.handle((ok, failure) -> ok))
                        .toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, config.relaySendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return Uni.createFrom().completionStage(settled);
    }

    private static Throwable failure(CompletableFuture<Void> ack) {
        if (!ack.isCompletedExceptionally()) {
            return null;
        }
        try {
            ack.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * True when Kafka refuses the record itself, so that no retry can succeed. Anything else (the broker away, a
     * timeout, a producer closed) concerns every record alike and is waited out.
     */
    private static boolean recordAtFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof SerializationException
                    || t instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }

    private static Message<String> toArtifactTopic(PendingEvent event) {
        return Message.of(event.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build());
    }

    /** A small record that says which event could not be published and why; it never carries the event itself. */
    private static Message<String> toDeadLetter(PendingEvent event, String reason) {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("source", "cohort-context-store");
        value.put("topic", Topics.ARTIFACT_EVENTS);
        value.put("taskId", event.taskId());
        value.put("taskSeq", event.taskSeq());
        value.put("eventId", event.eventId());
        value.put("eventType", event.type());
        value.put("key", event.key());
        value.put("payloadBytes", event.payload().getBytes(StandardCharsets.UTF_8).length);
        value.put("reason", shortReason);
        String json;
        try {
            json = EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DEAD_LETTER_REASON_HEADER, shortReason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DEAD_LETTER_TOPIC_HEADER, Topics.ARTIFACT_EVENTS.getBytes(StandardCharsets.UTF_8));
        return Message.of(json).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.DEAD_LETTER).withKey(event.taskId()).withHeaders(headers).build());
    }
}
