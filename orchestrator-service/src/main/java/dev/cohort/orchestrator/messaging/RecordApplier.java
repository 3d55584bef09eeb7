package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.Retrying;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * How every consumer of the orchestrator applies a record, so that no record stops a stream: a record is decoded and
 * applied; a transient failure (database or broker away) is retried with back-off until it succeeds, holding the
 * partition so that one task's records stay in order; a record that cannot be applied (unreadable, malformed ids,
 * values that do not fit) goes to the dead-letter topic with its cause, and the task its key names fails with a
 * reference to it. Nothing thrown while applying escapes to the stream.
 */
@ApplicationScoped
public class RecordApplier {

    private final OrchestrationService orchestration;
    private final OutboxRelay relay;
    private final OutboxRepository outbox;
    private final OrchestratorConfig config;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final DistributionSummary runSizes;

    public RecordApplier(OrchestrationService orchestration, OutboxRelay relay, OutboxRepository outbox,
                         OrchestratorConfig config, MeterRegistry metrics, Vertx vertx) {
        this.vertx = vertx;
        this.outbox = outbox;
        this.orchestration = orchestration;
        this.relay = relay;
        this.config = config;
        this.metrics = metrics;
        this.runSizes = DistributionSummary.builder("cohort.orchestrator.records.together")
                .description("Runs of a task's records applied together in one transaction, by size")
                .register(metrics);
    }

    /** Decodes the record as {@code type} and applies it with {@code apply}; the result acknowledges or dead-letters it. */
    public <T extends CohortEvent> Uni<Void> apply(Message<String> message, Class<T> type,
                                                  Function<T, Uni<Void>> apply) {
        return applyOne(message, null, type, apply).chain(applied -> applied
                ? Uni.createFrom().completionStage(message.ack()) : Uni.createFrom().voidItem());
    }

    /**
     * Applies the records of one poll; acknowledging them is the caller's (the poll's). Each task's records keep their
     * order. Records of one task that follow each other and that {@code together} accepts are applied in one go with
     * {@code applyRun}; a run that fails for any reason but an unavailable dependency (which is waited for) is applied
     * again one record at a time, like every other record, with {@code apply}: a record that cannot be applied is
     * dead-lettered on its own.
     */
    public <T extends CohortEvent> Uni<Void> applyPoll(List<? extends Message<String>> messages, Class<T> type,
                                                      Predicate<T> together, Function<List<T>, Uni<Void>> applyRun,
                                                      Function<T, Uni<Void>> apply) {
        Map<String, List<List<Decoded<T>>>> runsByTask = new LinkedHashMap<>();
        for (Message<String> message : messages) {
            T event = decodeOrNull(message, type);
            boolean joins = event != null && together.test(event);
            String task = event != null ? event.taskId() : "record " + where(message);
            List<List<Decoded<T>>> runs = runsByTask.computeIfAbsent(task, k -> new ArrayList<>());
            List<Decoded<T>> last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (joins && last != null && last.get(0).joins()) {
                last.add(new Decoded<>(message, event, true));
            } else {
                runs.add(new ArrayList<>(List.of(new Decoded<>(message, event, joins))));
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (List<List<Decoded<T>>> runs : runsByTask.values()) {
            for (List<Decoded<T>> run : runs) {
                chain = chain.chain(() -> run.size() == 1
                        ? applyOne(run.get(0).message(), run.get(0).event(), type, apply).replaceWithVoid()
                        : applyRun(run, type, applyRun, apply));
            }
        }
        return chain;
    }

    private <T extends CohortEvent> Uni<Void> applyRun(List<Decoded<T>> run, Class<T> type,
                                                       Function<List<T>, Uni<Void>> applyRun,
                                                       Function<T, Uni<Void>> apply) {
        List<T> events = run.stream().map(Decoded::event).toList();
        Message<String> last = run.get(run.size() - 1).message();
        String what = events.size() + " records of task " + events.get(0).taskId() + " (" + where(run.get(0).message())
                + " to " + where(last) + ")";
        long added = outbox.added();
        long started = System.nanoTime();
        io.opentelemetry.context.Context trace = traceOf(last, events.get(0).taskId());
        return Retrying.togetherElseEach(() -> onVertxContext(trace, () -> applyRun.apply(events)), what, ignored -> {
            runSizes.record(events.size());
            long each = (System.nanoTime() - started) / events.size();
            for (int i = 0; i < events.size(); i++) {
                metrics.timer("cohort.orchestrator.records.applied", "topic", topic(run.get(i).message()),
                        "type", events.get(i).type()).record(each, TimeUnit.NANOSECONDS);
            }
            if (outbox.added() != added) {
                relay.kick();
            }
        }, run, record -> applyOne(record.message(), record.event(), type, apply).replaceWithVoid());
    }

    private record Decoded<T>(Message<String> message, T event, boolean joins) {
    }

    private static <T extends CohortEvent> T decodeOrNull(Message<String> message, Class<T> type) {
        try {
            return EventCodec.decode(message.getPayload(), type);
        } catch (RuntimeException e) {
            return null;   // applied on its own, which dead-letters it with the reason
        }
    }

    /**
     * Applies one record ({@code decoded}: its event if already read, else null): true when it took effect, false when
     * it was dead-lettered instead.
     */
    private <T extends CohortEvent> Uni<Boolean> applyOne(Message<String> message, T decoded, Class<T> type,
                                                          Function<T, Uni<Void>> apply) {
        String where = where(message);
        long added = outbox.added();
        return Uni.createFrom().deferred(() -> {
                    T event = decoded != null ? decoded : EventCodec.decode(message.getPayload(), type);
                    long started = System.nanoTime();
                    io.opentelemetry.context.Context trace = traceOf(message, event.taskId());
                    return Retrying.untilApplied(() -> onVertxContext(trace, () -> apply.apply(event)),
                            event.type() + " " + event.eventId() + " of task " + event.taskId() + " (" + where + ")",
                            config.unknownFailureRetries())
                            .invoke(() -> metrics.timer("cohort.orchestrator.records.applied", "topic", topic(message),
                                    "type", event.type()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
                })
                .invoke(() -> {
                    // Most records (heartbeats, progress) write nothing to publish: no relay round for them. Another
                    // record's rows counted here only cost a round that finds nothing.
                    if (outbox.added() != added) {
                        relay.kick();
                    }
                })
                .onItemOrFailure().transformToUni((ignored, failure) -> failure == null
                        ? Uni.createFrom().item(true)
                        : deadLetter(message, where, failure).replaceWith(false));
    }

    private Uni<Void> deadLetter(Message<String> message, String where, Throwable failure) {
        String reason = Failures.describe(failure);
        Log.warnf("Dead-lettering record %s: %s", where, reason);
        metrics.counter("cohort.orchestrator.records.dead-lettered", "topic", topic(message)).increment();
        Object key = message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getKey)
                .orElse(null);
        return Retrying.untilApplied(() -> onVertxContext(
                        () -> orchestration.failForDeadLetter(key == null ? null : key.toString(), where, reason)),
                        "failing the task of dead letter " + where, config.unknownFailureRetries())
                .invoke(relay::kick)
                .onFailure().invoke(e -> Log.errorf("Could not fail the task of dead letter %s: %s", where,
                        Failures.describe(e)))
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().completionStage(message.nack(failure)));
    }

    /**
     * Runs database work on a Vert.x context of its own. A retry after a back-off is resubscribed on a worker thread,
     * where Hibernate Reactive has no context to run on; each try gets a fresh one instead.
     */
    public <T> Uni<T> onVertxContext(Supplier<? extends Uni<? extends T>> work) {
        return onVertxContext(null, work);
    }

    /**
     * Like {@link #onVertxContext(Supplier)}, with {@code trace} as the current trace context of the work (what it
     * writes to the outbox continues that trace). The context is attached to the fresh Vert.x context for as long as
     * that lives, so the whole asynchronous chain sees it; the Vert.x context is dropped afterwards.
     */
    public <T> Uni<T> onVertxContext(io.opentelemetry.context.Context trace, Supplier<? extends Uni<? extends T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            return Uni.createFrom().deferred(work::get)
                    .runSubscriptionOn(command -> context.runOnContext(ignored -> {
                        if (trace != null) {
                            trace.makeCurrent();
                        }
                        command.run();
                    }));
        });
    }

    /** The record's consumer span (a child of the span that produced it), else the task's trace. */
    static io.opentelemetry.context.Context traceOf(Message<?> message, String taskId) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext)
                .filter(c -> io.opentelemetry.api.trace.Span.fromContext(c).getSpanContext().isValid())
                .orElseGet(() -> TaskTrace.fromTraceparent(null, taskId));
    }

    static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + ":" + m.getPartition() + ":" + m.getOffset()).orElse("unknown");
    }

    private static String topic(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getTopic)
                .orElse("unknown");
    }
}
