package dev.cohort.context.service;

import dev.cohort.context.model.Provenance;
import dev.cohort.context.model.SubtaskFenceEntity;
import dev.cohort.context.model.SubtaskFenceEntity.Admission;
import dev.cohort.context.repository.SubtaskFenceRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fencing of stale attempts: a subtask's writes are accepted only from its newest known attempt. The orchestrator
 * announces each new attempt on the task events; a write of a newer attempt than known raises the fence as well.
 */
@ApplicationScoped
public class SubtaskFenceService {

    public static final String STALE_ATTEMPT = "stale-attempt";

    private final SubtaskFenceRepository fences;
    private final Counter refused;

    public SubtaskFenceService(SubtaskFenceRepository fences, MeterRegistry metrics) {
        this.fences = fences;
        this.refused = Counter.builder("cohort.context.writes.fenced")
                .description("Writes refused because a newer attempt of their subtask exists").register(metrics);
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

    /** Raises the fence to an attempt the orchestrator announced; true when it rose. */
    @WithTransaction
    public Uni<Boolean> announce(String taskId, String subtaskId, int attempt) {
        return fences.lockOrCreate(taskId, subtaskId, attempt, null).map(fence -> {
            boolean rose = fence.announce(attempt);
            if (rose) {
                Log.debugf("fence of subtask %s of task %s raised to attempt %d", subtaskId, taskId, attempt);
            }
            return rose;
        });
    }

    private static ContextStoreException stale(SubtaskFenceEntity fence, Provenance writer, Admission admission) {
        String current = admission == Admission.STALE_ATTEMPT
                ? "attempt " + fence.attempt + " is current"
                : "attempt " + fence.attempt + " is current under another lease token";
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", STALE_ATTEMPT);
        info.put("subtaskId", writer.subtaskId());
        info.put("attempt", writer.attempt());
        info.put("currentAttempt", fence.attempt);
        Log.infof("refused a write of stale attempt %d of subtask %s of task %s: %s", writer.attempt(),
                writer.subtaskId(), fence.id.taskId, current);
        return ContextStoreException.conflict(STALE_ATTEMPT, "stale attempt " + writer.attempt() + " of subtask "
                + writer.subtaskId() + ": " + current + "; nothing was stored. This attempt's work no longer counts:"
                + " stop, the subtask runs again as the current attempt", info);
    }
}
