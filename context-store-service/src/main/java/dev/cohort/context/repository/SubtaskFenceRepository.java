package dev.cohort.context.repository;

import dev.cohort.context.model.SubtaskFenceEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class SubtaskFenceRepository implements PanacheRepositoryBase<SubtaskFenceEntity, SubtaskFenceEntity.Key> {

    /**
     * The subtask's fence, locked until the transaction ends; null when no event announced the subtask yet. The lock
     * orders a write's check against a concurrent event: the event waits until the write has committed.
     */
    public Uni<SubtaskFenceEntity> lock(String taskId, String subtaskId) {
        return findById(new SubtaskFenceEntity.Key(taskId, subtaskId), LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * The subtask's fence, created empty (attempt 0, nothing writable) if it is missing, locked until the transaction
     * ends. Only events create fences: the caller applies the event to it in the same transaction.
     */
    public Uni<SubtaskFenceEntity> lockOrCreate(String taskId, String subtaskId) {
        // Most events find their fence (a dispatch made it): one statement for them, three only for the first.
        return lock(taskId, subtaskId).chain(fence -> fence != null ? Uni.createFrom().item(fence) : getSession()
                .chain(session -> session.createNativeMutationQuery(
                                "insert into subtask_fence (task_id, subtask_id, attempt, updated_at)"
                                        + " values (:taskId, :subtaskId, 0, now())"
                                        + " on conflict (task_id, subtask_id) do nothing")
                        .setParameter("taskId", taskId)
                        .setParameter("subtaskId", subtaskId)
                        .executeUpdate())
                .chain(() -> lock(taskId, subtaskId)));
    }
}
