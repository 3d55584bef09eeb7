package dev.cohort.context.repository;

import dev.cohort.context.model.CheckpointEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class CheckpointRepository implements PanacheRepository<CheckpointEntity> {

    public Uni<CheckpointEntity> findByName(String taskId, String name) {
        return find("taskId = ?1 and name = ?2", taskId, name).firstResult();
    }

    public Uni<List<CheckpointEntity>> listByTask(String taskId) {
        return list("taskId", Sort.by("createdAt").and("id"), taskId);
    }
}
