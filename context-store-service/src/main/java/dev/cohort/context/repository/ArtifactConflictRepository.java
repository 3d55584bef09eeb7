package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactConflictEntity;
import dev.cohort.context.model.ConflictStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ArtifactConflictRepository implements PanacheRepositoryBase<ArtifactConflictEntity, UUID> {

    /** The conflict an earlier try of this publish (or delete) became, if any. */
    public Uni<ArtifactConflictEntity> findByAttempt(String taskId, String subtaskId, int attempt, String key,
                                                     boolean tombstone) {
        return find("taskId = ?1 and provenance.subtaskId = ?2 and provenance.attempt = ?3 and key = ?4"
                        + " and body.tombstone = ?5",
                taskId, subtaskId, attempt, key, tombstone).firstResult();
    }

    public Uni<ArtifactConflictEntity> findInTask(String taskId, UUID id) {
        return find("taskId = ?1 and id = ?2", taskId, id).firstResult();
    }

    /** A task's conflicts, optionally only one status and one key, oldest first. */
    public Uni<List<ArtifactConflictEntity>> listByTask(String taskId, ConflictStatus status, String key) {
        StringBuilder query = new StringBuilder("taskId = :taskId");
        Parameters params = Parameters.with("taskId", taskId);
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        if (key != null) {
            query.append(" and key = :key");
            params.and("key", key);
        }
        return list(query.toString(), Sort.by("createdAt").and("id"), params);
    }
}
