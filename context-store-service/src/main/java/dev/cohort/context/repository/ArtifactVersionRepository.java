package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.model.VersionOrigin;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ArtifactVersionRepository implements PanacheRepository<ArtifactVersionEntity> {

    public Uni<ArtifactVersionEntity> findVersion(String taskId, String key, long version) {
        return find("taskId = ?1 and key = ?2 and version = ?3", taskId, key, version).firstResult();
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
