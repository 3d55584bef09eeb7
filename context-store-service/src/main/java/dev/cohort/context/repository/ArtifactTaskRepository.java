package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactTaskEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class ArtifactTaskRepository implements PanacheRepositoryBase<ArtifactTaskEntity, String> {

    /**
     * Creates the task row if it is missing and locks it until the transaction ends. Every write to a task goes
     * through here first, so writes of one task are serialised and its event sequence follows commit order.
     */
    public Uni<ArtifactTaskEntity> lockOrCreate(String taskId) {
        return getSession()
                .chain(session -> session.createNativeMutationQuery(
                                "insert into artifact_task (task_id, created_at, last_event_seq)"
                                        + " values (:taskId, now(), 0) on conflict (task_id) do nothing")
                        .setParameter("taskId", taskId)
                        .executeUpdate())
                .chain(() -> findById(taskId, LockModeType.PESSIMISTIC_WRITE));
    }

    /** Locks an existing task; null when nothing was ever stored for it. */
    public Uni<ArtifactTaskEntity> lock(String taskId) {
        return findById(taskId, LockModeType.PESSIMISTIC_WRITE);
    }
}
