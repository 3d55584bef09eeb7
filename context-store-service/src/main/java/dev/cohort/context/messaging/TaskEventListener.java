package dev.cohort.context.messaging;

import dev.cohort.context.api.Limits;
import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.service.ArtifactRules;
import dev.cohort.context.service.ContextStoreException;
import dev.cohort.context.service.DispatchWaits;
import dev.cohort.context.service.SubtaskFenceService;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.Retrying;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Keeps subtask fences up to date from the orchestrator's {@code subtask.state-changed} events, the only source of a
 * fence: a dispatched attempt opens its subtask's fence with its lease token's hash and writable keys, fencing the
 * older ones before it writes anything, and an attempt that ended is closed at once. Other task events are not the
 * store's concern. Records are read a poll at a time, and a poll's fence events (the dispatches of a fan-out, the
 * starts and ends that arrive together under load) are applied in one transaction.
 *
 * <p>No record stops the stream. A transient failure (the database away, a timeout) is retried with back-off until it
 * succeeds, holding the partition so that one task's events are applied in order. A record that cannot be applied
 * (unreadable, malformed ids, values that do not fit) is dead-lettered with its cause at once, and one that fails in a
 * way not recognised either after {@code cohort.context.unknown-failure-retries}.
 */
@ApplicationScoped
public class TaskEventListener {

    /** The incoming channel, bound to {@link dev.cohort.contracts.Topics#TASK_EVENTS} in application.properties. */
    public static final String CHANNEL = "task-events";

    private static final Pattern LEASE_HASH = Pattern.compile("[0-9a-f]{64}");

    private final SubtaskFenceService fences;
    private final DispatchWaits waits;
    private final ArtifactRules rules;
    private final ContextStoreConfig config;
    private final Vertx vertx;
    private final Counter deadLettered;
    private final DistributionSummary together;

    public TaskEventListener(SubtaskFenceService fences, DispatchWaits waits, ArtifactRules rules, ContextStoreConfig config, Vertx vertx,
                             MeterRegistry metrics) {
        this.fences = fences;
        this.waits = waits;
        this.rules = rules;
        this.config = config;
        this.vertx = vertx;
        this.together = DistributionSummary.builder("cohort.context.task-events.together")
                .description("Fence events of one poll applied together in one transaction, by number").register(metrics);
        this.deadLettered = Counter.builder("cohort.context.task-events.dead-lettered")
                .description("Task events that could not be applied and went to the dead-letter topic").register(metrics);
    }

    @Incoming(CHANNEL)
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> poll) {
        // A throw here or a failed Uni would end the stream for good: every record is applied or dead-lettered first.
        return Uni.createFrom().deferred(() -> applyPoll(poll.getRecords()))
                .onFailure().invoke(e -> Log.errorf("A poll of task events was not fully applied: %s",
                        Failures.describe(e)))
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().completionStage(poll.ack()))
                .onFailure().invoke(e -> Log.errorf("A poll of task events was not acknowledged: %s",
                        Failures.describe(e)))
                .onFailure().recoverWithNull();
    }

    /**
     * Applies the records of one poll; acknowledging them is the caller's. A record that cannot be applied is
     * dead-lettered on its own. The fence events are applied in their order in one transaction; when that fails for
     * any reason but an unavailable dependency (which is waited for), each is applied on its own, so that only a
     * record that cannot be applied is dead-lettered.
     */
    Uni<Void> applyPoll(List<? extends Message<String>> records) {
        List<Fenced> fenced = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Message<String> message : records) {
            SubtaskStateChanged event;
            try {
                event = fenceEvent(message);
            } catch (RuntimeException e) {
                chain = chain.chain(() -> deadLetter(message, e));
                continue;
            }
            if (event != null) {
                fenced.add(new Fenced(message, event));
            }
        }
        if (fenced.size() <= 1) {
            return fenced.isEmpty() ? chain : chain.chain(() -> applyOne(fenced.get(0)));
        }
        List<SubtaskStateChanged> events = fenced.stream().map(Fenced::event).toList();
        String what = events.size() + " subtask.state-changed events (" + where(fenced.get(0).message()) + " to "
                + where(fenced.get(fenced.size() - 1).message()) + ")";
        return chain.chain(() -> Retrying.togetherElseEach(() -> onVertxContext(() -> fences.stateChanged(events)), what,
                changed -> {
                    together.record(events.size());
                    changed.forEach(fence -> waits.changed(fence.taskId, fence.subtaskId));
                },
                fenced, this::applyOne));
    }

    /** A record of a poll and the fence event it carries. */
    private record Fenced(Message<String> message, SubtaskStateChanged event) {
    }

    /** The record's fence event, checked; null when it is another task event, which is not the store's concern. */
    private SubtaskStateChanged fenceEvent(Message<String> message) {
        TaskEvent event = EventCodec.decode(message.getPayload(), TaskEvent.class);
        if (!(event instanceof SubtaskStateChanged changed) || changed.attempt() < 1) {
            return null;
        }
        rules.taskId(changed.taskId());
        rules.required(changed.subtaskId(), "subtaskId", Limits.SUBTASK_ID);
        fence(changed);
        return changed;
    }

    /** Applies one fence event on its own; what cannot be applied is dead-lettered. Never fails. */
    private Uni<Void> applyOne(Fenced record) {
        Message<String> message = record.message();
        SubtaskStateChanged changed = record.event();
        String what = "subtask.state-changed " + changed.eventId() + " of task " + changed.taskId() + " ("
                + where(message) + ")";
        return Retrying.untilApplied(() -> onVertxContext(() -> fences.stateChanged(changed)), what,
                        config.unknownFailureRetries())
                .invoke(fenceChanged -> {
                    if (fenceChanged) {
                        waits.changed(changed.taskId(), changed.subtaskId());
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> deadLetter(message, failure));
    }

    /**
     * Checks the fence an event announces: a lowercase hex SHA-256 and keys (or prefixes ending in '/') that are valid
     * keys. One that is not would never admit a write, so it is dead-lettered where someone sees it.
     */
    private void fence(SubtaskStateChanged changed) {
        String hash = changed.leaseTokenHash();
        if (hash != null && !LEASE_HASH.matcher(hash).matches()) {
            throw ContextStoreException.invalid("invalid-event", "field 'leaseTokenHash' is not a lowercase hex SHA-256");
        }
        if (changed.writes() != null) {
            for (String key : changed.writes()) {
                rules.key(key != null && key.endsWith("/") ? key.substring(0, key.length() - 1) : key);
            }
        }
    }

    /**
     * Runs each try on a fresh duplicated Vert.x context, which Hibernate Reactive needs: a retry after a back-off
     * resumes on a timer thread outside any Vert.x context.
     */
    private <T> Uni<T> onVertxContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            return Uni.createFrom().<T>deferred(work::get)
                    .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
        });
    }

    /** Nacks the record, which the channel's dead-letter-queue strategy sends to the dead-letter topic with the cause. */
    private Uni<Void> deadLetter(Message<String> message, Throwable failure) {
        String where = where(message);
        Log.warnf("Dead-lettering task event %s (%s): %s", where, Failures.classify(failure).name().toLowerCase(),
                Failures.describe(failure));
        deadLettered.increment();
        // the dead-letter send fails only while Kafka is away, which the stream waits out anyway
        return Retrying.untilApplied(() -> Uni.createFrom().completionStage(() -> message.nack(failure)),
                        "dead-lettering task event " + where, config.unknownFailureRetries())
                .onFailure().invoke(e -> Log.errorf("Task event %s was neither applied nor dead-lettered: %s", where,
                        Failures.describe(e)))
                .onFailure().recoverWithNull();
    }

    private static String where(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + ":" + m.getPartition() + ":" + m.getOffset()).orElse("unknown");
    }
}
