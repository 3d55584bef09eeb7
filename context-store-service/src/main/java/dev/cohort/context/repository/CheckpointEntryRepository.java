package dev.cohort.context.repository;

import dev.cohort.context.model.CheckpointEntryEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class CheckpointEntryRepository implements PanacheRepository<CheckpointEntryEntity> {

    public Uni<List<CheckpointEntryEntity>> listByCheckpoint(long checkpointId) {
        return list("checkpointId", Sort.by("key"), checkpointId);
    }
}
