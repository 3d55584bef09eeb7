package dev.cohort.context.service;

import dev.cohort.context.model.Provenance;
import dev.cohort.context.model.SubtaskFenceEntity;
import dev.cohort.context.model.SubtaskFenceEntity.Admission;
import dev.cohort.context.repository.SubtaskFenceRepository;
import dev.cohort.contracts.event.SubtaskStateChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fencing of agent writes: a subtask's writes are admitted only from the attempt the orchestrator dispatched last,
 * while it runs, with that dispatch's lease token, and only to the keys the subtask declares. The orchestrator's
 * {@code subtask.state-changed} events are the only source of a fence; nothing a writer sends raises or opens one.
 */
@ApplicationScoped
public class SubtaskFenceService {

    /** The error code of a write of an attempt that is not (or no longer) the one that may write. */
    public static final String STALE_ATTEMPT = "stale-attempt";
    /** The error code of a write to a key the attempt's subtask does not declare. */
    public static final String UNDECLARED_KEY = "undeclared-key";
    /** The error code of a write whose attempt's dispatch has not reached the store yet. */
    public static final String NOT_DISPATCHED_YET = "not-dispatched-yet";
    /** How long a writer waits before it tries a write whose dispatch the store has not seen yet again. */
    static final Duration RETRY_UNDISPATCHED = Duration.ofSeconds(1);

    private final SubtaskFenceRepository fences;
    private final MeterRegistry metrics;

    public SubtaskFenceService(SubtaskFenceRepository fences, MeterRegistry metrics) {
        this.fences = fences;
        this.metrics = metrics;
    }

    /**
     * Checks a write against its subtask's fence and fails unless it is admitted: 409 {@code stale-attempt}, 403
     * {@code undeclared-key}, or 503 {@code not-dispatched-yet} when the store has not heard of the attempt yet. Call
     * inside the write's transaction: the fence row stays locked until it commits. Writes without a subtask (a
     * person's) are not fenced; the caller has made sure that every worker's write names one.
     */
    public Uni<Void> admit(String taskId, Provenance writer, String leaseToken, String key) {
        if (writer.subtaskId() == null) {
            return Uni.createFrom().voidItem();
        }
        return fences.lock(taskId, writer.subtaskId()).invoke(fence -> {
            Admission admission = fence == null ? Admission.NOT_DISPATCHED_YET
                    : fence.admit(writer.attempt(), leaseToken, key);
            if (admission != Admission.ADMITTED) {
                if (admission != Admission.NOT_DISPATCHED_YET) {
                    // A write ahead of its dispatch waits for it (DispatchWaits), which counts the final refusal.
                    metrics.counter("cohort.context.writes.fenced", "reason",
                            admission.name().toLowerCase(Locale.ROOT)).increment();
                }
                throw refusal(taskId, fence, writer, key, admission);
            }
        }).replaceWithVoid();
    }

    /**
     * Applies a {@code subtask.state-changed} event to the subtask's fence; true when the fence changed.
     * {@code dispatched} opens the fence for its attempt with the event's lease token hash and writable keys;
     * {@code running} keeps the current attempt open. Every other status ({@code pending}, {@code cancelled},
     * {@code failed}, {@code skipped}, {@code done}) says the attempt ended without a successor yet, so it is closed at
     * once: a late write of it must not land before the next attempt is dispatched.
     */
    @WithTransaction
    public Uni<Boolean> stateChanged(SubtaskStateChanged event) {
        return apply(event);
    }

    /**
     * Applies several {@code subtask.state-changed} events, in their order, in one transaction (as
     * {@link #stateChanged(SubtaskStateChanged)} does each): the keys of the fences that changed. Nothing is applied
     * unless all of them are.
     */
    @WithTransaction
    public Uni<Set<SubtaskFenceEntity.Key>> stateChanged(List<SubtaskStateChanged> events) {
        Set<SubtaskFenceEntity.Key> changed = new LinkedHashSet<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SubtaskStateChanged event : events) {
            chain = chain.chain(() -> apply(event).invoke(fenceChanged -> {
                if (fenceChanged) {
                    changed.add(new SubtaskFenceEntity.Key(event.taskId(), event.subtaskId()));
                }
            })).replaceWithVoid();
        }
        return chain.replaceWith(changed);
    }

    private Uni<Boolean> apply(SubtaskStateChanged event) {
        return fences.lockOrCreate(event.taskId(), event.subtaskId()).map(fence -> {
            int attempt = event.attempt();
            boolean changed = switch (event.status()) {
                case DISPATCHED -> fence.dispatch(attempt, event.leaseTokenHash(), event.writes());
                case RUNNING -> fence.running(attempt, event.leaseTokenHash(), event.writes());
                default -> fence.close(attempt, event.status().id());
            };
            if (changed) {
                Log.debugf("fence of subtask %s of task %s: attempt %d %s", event.subtaskId(), event.taskId(),
                        fence.attempt, fence.closed() ? "closed (" + fence.closedAs + ")" : "open");
            }
            return changed;
        });
    }

    private static ContextStoreException refusal(String taskId, SubtaskFenceEntity fence, Provenance writer, String key,
                                                 Admission admission) {
        int attempt = writer.attempt();
        String subtask = writer.subtaskId();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("subtaskId", subtask);
        info.put("attempt", attempt);
        if (fence != null) {
            info.put("currentAttempt", fence.attempt);
        }
        if (admission == Admission.NOT_DISPATCHED_YET) {
            info.put("code", NOT_DISPATCHED_YET);
            String known = fence == null ? "no attempt of it yet" : "attempt " + fence.attempt + " as the latest";
            return ContextStoreException.unavailable(NOT_DISPATCHED_YET, "the context store has not seen attempt "
                    + attempt + " of subtask " + subtask + " dispatched (it knows " + known + "); nothing was stored."
                    + " The dispatch is usually a moment behind: try again after Retry-After", info,
                    RETRY_UNDISPATCHED);
        }
        if (admission == Admission.UNDECLARED_KEY) {
            List<String> declared = fence.writes == null ? List.of() : fence.writes;
            info.put("code", UNDECLARED_KEY);
            info.put("key", key);
            info.put("declared", declared);
            Log.infof("refused a write of attempt %d of subtask %s of task %s to undeclared key '%s'", attempt, subtask,
                    taskId, key);
            return ContextStoreException.forbidden(UNDECLARED_KEY, "attempt " + attempt + " of subtask " + subtask
                    + " may not write '" + key + "': its subtask declares " + (declared.isEmpty() ? "no keys"
                    : String.join(", ", declared)) + " (a key ending in '/' covers the keys under it); nothing was"
                    + " stored. Write one of those keys, or have the plan declare this one", info);
        }
        info.put("code", STALE_ATTEMPT);
        String current = switch (admission) {
            case ATTEMPT_OVER -> "attempt " + fence.attempt + " is over (the orchestrator ended it as "
                    + fence.closedAs + ")";
            case OTHER_LEASE -> "attempt " + fence.attempt + " is current under another lease token";
            default -> fence.closed()
                    ? "attempt " + fence.attempt + " is newer, and over too (ended as " + fence.closedAs + ")"
                    : "attempt " + fence.attempt + " is current";
        };
        if (admission == Admission.ATTEMPT_OVER) {
            info.put("attemptOver", true);
            info.put("endedAs", fence.closedAs);
        }
        Log.infof("refused a write of stale attempt %d of subtask %s of task %s: %s", attempt, subtask, taskId, current);
        return ContextStoreException.conflict(STALE_ATTEMPT, "stale attempt " + attempt + " of subtask " + subtask
                + ": " + current + "; nothing was stored. This attempt's work no longer counts:"
                + " stop; if the subtask runs again, it is as a newer attempt", info);
    }
}
