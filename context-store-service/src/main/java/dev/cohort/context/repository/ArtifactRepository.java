package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactEntity;
import dev.cohort.contracts.model.ArtifactKind;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

@ApplicationScoped
public class ArtifactRepository implements PanacheRepository<ArtifactEntity> {

    public Uni<ArtifactEntity> findByKey(String taskId, String key) {
        return find("taskId = ?1 and key = ?2", taskId, key).firstResult();
    }

    public Uni<List<ArtifactEntity>> listByTask(String taskId) {
        return list("taskId", Sort.by("key"), taskId);
    }

    /** The task's artifacts whose key starts with the prefix, of the given kinds (all kinds when empty). */
    public Uni<List<ArtifactEntity>> listByTask(String taskId, String prefix, Set<ArtifactKind> kinds) {
        StringBuilder query = new StringBuilder("taskId = :taskId");
        Parameters params = Parameters.with("taskId", taskId);
        if (prefix != null && !prefix.isEmpty()) {
            query.append(" and key like :prefix escape '\\'");
            params.and("prefix", likeEscape(prefix) + "%");
        }
        if (!kinds.isEmpty()) {
            query.append(" and kind in :kinds");
            params.and("kinds", kinds);
        }
        return list(query.toString(), Sort.by("key"), params);
    }

    private static String likeEscape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
