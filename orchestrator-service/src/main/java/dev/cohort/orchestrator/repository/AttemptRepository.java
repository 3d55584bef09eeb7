package dev.cohort.orchestrator.repository;

import dev.cohort.orchestrator.domain.Attempt;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AttemptRepository implements PanacheRepositoryBase<Attempt, Attempt.Key> {

    public Uni<Attempt> find(UUID subtaskId, int attempt) {
        return findById(new Attempt.Key(subtaskId, attempt));
    }

    public Uni<List<Attempt>> ofSubtasks(Collection<UUID> subtaskIds) {
        if (subtaskIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("key.subtaskId in ?1", Sort.ascending("key.subtaskId", "key.attempt"), subtaskIds);
    }
}
