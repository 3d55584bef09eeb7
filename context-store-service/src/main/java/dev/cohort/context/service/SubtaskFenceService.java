package dev.cohort.context.service;

import dev.cohort.context.model.Provenance;
import dev.cohort.context.model.SubtaskFenceEntity;
import dev.cohort.context.model.SubtaskFenceEntity.Admission;
import dev.cohort.context.repository.SubtaskFenceRepository;
import dev.cohort.contracts.model.SubtaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fencing of stale attempts: a subtask's writes are accepted only from its newest known attempt, and only while that
 * attempt runs. The orchestrator announces each new attempt, and the end of each attempt, on the task events; a write
 * of a newer attempt than known raises the fence as well.
 */
@ApplicationScoped
public class SubtaskFenceService {

    public static final String STALE_ATTEMPT = "stale-attempt";

    private final SubtaskFenceRepository fences;
    private final Counter refused;

    public SubtaskFenceService(SubtaskFenceRepository fences, MeterRegistry metrics) {
        this.fences = fences;
        this.refused = Counter.builder("cohort.context.writes.fenced")
                .description("Writes refused because their attempt is over or a newer attempt of their subtask exists")
                .register(metrics);
    }

    /**
     * Checks a write against its subtask's fence, raising the fence when the write is newer, and fails with 409
     * {@code stale-attempt} otherwise. Call inside the write's transaction: the fence row stays locked until it
     * commits. Writes without a subtask (a person's, a rollback) are not fenced.
     */
    public Uni<Void> admit(String taskId, Provenance writer) {
        if (writer.subtaskId() == null) {
            return Uni.createFrom().voidItem();
        }
        int attempt = writer.attempt();
        return fences.lockOrCreate(taskId, writer.subtaskId(), attempt, writer.leaseToken()).invoke(fence -> {
            Admission admission = fence.admit(attempt, writer.leaseToken());
            if (admission != Admission.ADMITTED) {
                refused.increment();
                throw stale(fence, writer, admission);
            }
        }).replaceWithVoid();
    }

    /**
     * Applies a {@code subtask.state-changed} event to the subtask's fence; true when the fence changed.
     * {@code dispatched} and {@code running} announce the attempt: the fence rises to it if it is newer. Every other
     * status ({@code pending}, {@code cancelled}, {@code failed}, {@code skipped}, {@code done}) says the attempt ended
     * without a successor yet, so it is closed at once: a late write of it must not land before the next attempt is
     * dispatched.
     */
    @WithTransaction
    public Uni<Boolean> stateChanged(String taskId, String subtaskId, int attempt, SubtaskStatus status) {
        return fences.lockOrCreate(taskId, subtaskId, attempt, null).map(fence -> {
            boolean changed = runs(status) ? fence.announce(attempt) : fence.close(attempt, status.id());
            if (changed) {
                Log.debugf("fence of subtask %s of task %s: attempt %d %s", subtaskId, taskId, attempt,
                        fence.closed() ? "closed (" + fence.closedAs + ")" : "current");
            }
            return changed;
        });
    }

    private static boolean runs(SubtaskStatus status) {
        return status == SubtaskStatus.DISPATCHED || status == SubtaskStatus.RUNNING;
    }

    private static ContextStoreException stale(SubtaskFenceEntity fence, Provenance writer, Admission admission) {
        String current = switch (admission) {
            case ATTEMPT_OVER -> "attempt " + fence.attempt + " is over (the orchestrator ended it as "
                    + fence.closedAs + ")";
            case OTHER_LEASE -> "attempt " + fence.attempt + " is current under another lease token";
            default -> fence.closed()
                    ? "attempt " + fence.attempt + " is newer, and over too (ended as " + fence.closedAs + ")"
                    : "attempt " + fence.attempt + " is current";
        };
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", STALE_ATTEMPT);
        info.put("subtaskId", writer.subtaskId());
        info.put("attempt", writer.attempt());
        info.put("currentAttempt", fence.attempt);
        if (admission == Admission.ATTEMPT_OVER) {
            info.put("attemptOver", true);
            info.put("endedAs", fence.closedAs);
        }
        Log.infof("refused a write of stale attempt %d of subtask %s of task %s: %s", writer.attempt(),
                writer.subtaskId(), fence.id.taskId, current);
        return ContextStoreException.conflict(STALE_ATTEMPT, "stale attempt " + writer.attempt() + " of subtask "
                + writer.subtaskId() + ": " + current + "; nothing was stored. This attempt's work no longer counts:"
                + " stop; if the subtask runs again, it is as a newer attempt", info);
    }
}
