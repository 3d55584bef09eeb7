package dev.cohort.context.service;

import dev.cohort.context.api.CheckpointRequest;
import dev.cohort.context.api.CheckpointView;
import dev.cohort.context.api.Limits;
import dev.cohort.context.api.RollbackRequest;
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

    private final ArtifactRules rules;
    private final ArtifactWriter writer;
    private final ArtifactEventRelay relay;
    private final ArtifactService artifacts;
    private final CheckpointRepository checkpoints;
    private final CheckpointEntryRepository entries;

    public CheckpointService(ArtifactRules rules, ArtifactWriter writer, ArtifactEventRelay relay,
                             ArtifactService artifacts, CheckpointRepository checkpoints,
                             CheckpointEntryRepository entries) {
        this.rules = rules;
        this.writer = writer;
        this.relay = relay;
        this.artifacts = artifacts;
        this.checkpoints = checkpoints;
        this.entries = entries;
    }

    /** Names the task's current artifact set; it is recorded as created by the caller, whatever the body says. */
    public Uni<CheckpointView> create(Caller caller, String taskId, CheckpointRequest request) {
        rules.taskId(taskId);
        if (request == null) {
            throw ContextStoreException.invalid("missing-body", "a JSON body with the checkpoint's name is required");
        }
        String name = rules.checkpointName(request.name());
        String description = rules.optional(request.description(), "description", Limits.CHECKPOINT_DESCRIPTION);
        rules.optional(request.createdBy(), "createdBy", Limits.AGENT_ID);
        return writer.createCheckpoint(taskId, name, description, caller.name());
    }

    @WithSession
    public Uni<List<CheckpointView>> list(String taskId) {
        rules.taskId(taskId);
        return artifacts.requireTask(taskId)
                .chain(() -> checkpoints.listByTask(taskId))
                .map(list -> list.stream().map(c -> view(c, null)).toList());
    }

    @WithSession
    public Uni<CheckpointView> get(String taskId, String name) {
        rules.taskId(taskId);
        rules.checkpointName(name);
        return checkpoints.findByName(taskId, name)
                .onItem().ifNull().failWith(() -> ContextStoreException.notFound("unknown-checkpoint",
                        "task '" + taskId + "' has no checkpoint named '" + name + "'"))
                .chain(c -> entries.listByCheckpoint(c.id).map(list -> view(c, list.stream()
                        .map(e -> new CheckpointView.Entry(e.key, e.version)).toList())));
    }

    /** Rolls back to a checkpoint; the new versions are recorded as the caller's, whatever the body says. */
    public Uni<RollbackView> rollback(Caller caller, String taskId, String name, RollbackRequest request) {
        rules.taskId(taskId);
        rules.checkpointName(name);
        if (request != null) {
            rules.optional(request.requestedBy(), "requestedBy", Limits.AGENT_ID);
            rules.optional(request.role(), "role", Limits.ROLE);
        }
        return writer.rollback(taskId, name, Provenance.person(caller.name())).invoke(relay::wake);
    }

    private static CheckpointView view(CheckpointEntity c, List<CheckpointView.Entry> entries) {
        return new CheckpointView(c.taskId, c.name, c.description, c.createdBy, c.createdAt, c.eventSeq, entries);
    }
}
