package dev.cohort.context.repository;

import dev.cohort.context.model.SubtaskFenceEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class SubtaskFenceRepository implements PanacheRepositoryBase<SubtaskFenceEntity, SubtaskFenceEntity.Key> {

    /**
     * The subtask's fence, created at {@code attempt} if it is missing, locked until the transaction ends. The lock
     * orders a write's check against a concurrent raise: the raise waits until the write has committed.
     */
    public Uni<SubtaskFenceEntity> lockOrCreate(String taskId, String subtaskId, int attempt, String leaseToken) {
        return getSession()
                .chain(session -> session.createNativeMutationQuery(
                                "insert into subtask_fence (task_id, subtask_id, attempt, lease_token, updated_at)"
                                        + " values (:taskId, :subtaskId, :attempt, :leaseToken, now())"
                                        + " on conflict (task_id, subtask_id) do nothing")
                        .setParameter("taskId", taskId)
                        .setParameter("subtaskId", subtaskId)
                        .setParameter("attempt", attempt)
                        .setParameter("leaseToken", leaseToken)
                        .executeUpdate())
                .chain(() -> findById(new SubtaskFenceEntity.Key(taskId, subtaskId), LockModeType.PESSIMISTIC_WRITE));
    }
}
