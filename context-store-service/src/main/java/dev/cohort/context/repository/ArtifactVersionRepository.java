package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.model.VersionOrigin;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class ArtifactVersionRepository implements PanacheRepository<ArtifactVersionEntity> {

    private static final String LATEST = "select v from ArtifactVersionEntity v, ArtifactEntity a"
            + " where a.taskId = :taskId and a.tombstone = false and v.taskId = a.taskId and v.key = a.key"
            + " and v.version = a.latestVersion";

    public Uni<ArtifactVersionEntity> findVersion(String taskId, String key, long version) {
        return find("taskId = ?1 and key = ?2 and version = ?3", taskId, key, version).firstResult();
    }

    /** The latest version of each artifact of the task that is not deleted, by key. */
    public Uni<List<ArtifactVersionEntity>> latest(String taskId) {
        return getSession().chain(session -> session.createQuery(LATEST + " order by v.key", ArtifactVersionEntity.class)
                .setParameter("taskId", taskId).getResultList());
    }

    /** As {@link #latest(String)}, only of {@code keys}: those with no version, or deleted, are absent. */
    public Uni<List<ArtifactVersionEntity>> latest(String taskId, Collection<String> keys) {
        return getSession().chain(session -> session.createQuery(LATEST + " and a.key in :keys",
                        ArtifactVersionEntity.class)
                .setParameter("taskId", taskId).setParameter("keys", keys).getResultList());
    }

    public Uni<List<ArtifactVersionEntity>> history(String taskId, String key) {
        return list("taskId = ?1 and key = ?2", Sort.by("version"), taskId, key);
    }

    /** The version an earlier try of this publish (or delete) stored, if any: the idempotency key. */
    public Uni<ArtifactVersionEntity> findByAttempt(String taskId, String subtaskId, int attempt, String key,
                                                    VersionOrigin origin) {
        return find("taskId = ?1 and provenance.subtaskId = ?2 and provenance.attempt = ?3 and key = ?4 and origin = ?5",
                taskId, subtaskId, attempt, key, origin).firstResult();
    }
}
