package dev.cohort.context.service;

import dev.cohort.context.api.CheckpointRequest;
import dev.cohort.context.api.CheckpointView;
import dev.cohort.context.api.RollbackView;
import dev.cohort.context.messaging.ArtifactEventRelay;
import dev.cohort.context.model.CheckpointEntity;
import dev.cohort.context.model.Provenance;
import dev.cohort.context.repository.CheckpointEntryRepository;
import dev.cohort.context.repository.CheckpointRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Named snapshots of a task's artifact set and rolling back to them. */
@ApplicationScoped
public class CheckpointService {

    private final ArtifactWriter writer;
    private final ArtifactEventRelay relay;
    private final ArtifactService artifacts;
    private final CheckpointRepository checkpoints;
    private final CheckpointEntryRepository entries;

    public CheckpointService(ArtifactWriter writer, ArtifactEventRelay relay,
                             ArtifactService artifacts, CheckpointRepository checkpoints,
                             CheckpointEntryRepository entries) {
        this.writer = writer;
        this.relay = relay;
        this.artifacts = artifacts;
        this.checkpoints = checkpoints;
        this.entries = entries;
    }

    /** Names the task's current artifact set; it is recorded as created by the caller, whatever the body says. */
    public Uni<CheckpointView> create(Caller caller, String taskId, CheckpointRequest request) {
        return writer.createCheckpoint(taskId, request.name(), ArtifactRules.present(request.description()),
                caller.name());
    }

    @WithSession
    public Uni<List<CheckpointView>> list(String taskId) {
        return artifacts.requireTask(taskId)
                .chain(() -> checkpoints.listByTask(taskId))
                .map(list -> list.stream().map(c -> view(c, null)).toList());
    }

    @WithSession
    public Uni<CheckpointView> get(String taskId, String name) {
        return checkpoints.findByName(taskId, name)
                .onItem().ifNull().failWith(() -> ContextStoreException.notFound("unknown-checkpoint",
                        "task '" + taskId + "' has no checkpoint named '" + name + "'"))
                .chain(c -> entries.listByCheckpoint(c.id).map(list -> view(c, list.stream()
                        .map(e -> new CheckpointView.Entry(e.key, e.version)).toList())));
    }

    /** Rolls back to a checkpoint; the new versions are recorded as the caller's. */
    public Uni<RollbackView> rollback(Caller caller, String taskId, String name) {
        return writer.rollback(taskId, name, Provenance.person(caller.name())).invoke(relay::wake);
    }

    private static CheckpointView view(CheckpointEntity c, List<CheckpointView.Entry> entries) {
        return new CheckpointView(c.taskId, c.name, c.description, c.createdBy, c.createdAt, c.eventSeq, entries);
    }
}
