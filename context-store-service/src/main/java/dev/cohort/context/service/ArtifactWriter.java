package dev.cohort.context.service;

import dev.cohort.context.api.CheckpointView;
import dev.cohort.context.api.RollbackView;
import dev.cohort.context.model.ArtifactConflictEntity;
import dev.cohort.context.model.ArtifactContent;
import dev.cohort.context.model.ArtifactEntity;
import dev.cohort.context.model.ArtifactEventEntity;
import dev.cohort.context.model.ArtifactTaskEntity;
import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.model.CheckpointEntity;
import dev.cohort.context.model.CheckpointEntryEntity;
import dev.cohort.context.model.ConflictStatus;
import dev.cohort.context.model.Provenance;
import dev.cohort.context.model.VersionOrigin;
import dev.cohort.context.repository.ArtifactConflictRepository;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.repository.ArtifactRepository;
import dev.cohort.context.repository.ArtifactTaskRepository;
import dev.cohort.context.repository.ArtifactVersionRepository;
import dev.cohort.context.repository.CheckpointEntryRepository;
import dev.cohort.context.repository.CheckpointRepository;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.contracts.event.ArtifactResolved;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every change of stored state, one transaction each. A change first locks its task's row, so the changes of one task
 * are serialised; the version or conflict and the event that announces it are written in the same transaction, so
 * they commit or roll back together.
 */
@ApplicationScoped
public class ArtifactWriter {

    private final ArtifactTaskRepository tasks;
    private final ArtifactRepository artifacts;
    private final ArtifactVersionRepository versions;
    private final ArtifactConflictRepository conflicts;
    private final ArtifactEventRepository events;
    private final CheckpointRepository checkpoints;
    private final CheckpointEntryRepository checkpointEntries;
    private final SubtaskFenceService fences;

    public ArtifactWriter(ArtifactTaskRepository tasks, ArtifactRepository artifacts, ArtifactVersionRepository versions,
                          ArtifactConflictRepository conflicts, ArtifactEventRepository events,
                          CheckpointRepository checkpoints, CheckpointEntryRepository checkpointEntries,
                          SubtaskFenceService fences) {
        this.tasks = tasks;
        this.artifacts = artifacts;
        this.versions = versions;
        this.conflicts = conflicts;
        this.events = events;
        this.checkpoints = checkpoints;
        this.checkpointEntries = checkpointEntries;
        this.fences = fences;
    }

    /**
     * Stores a publish or delete as the next version, or as a conflict when its base is stale. A write of a stale
     * attempt, or of an attempt that is over, is refused before anything else, even a retry of what that attempt
     * stored while it was current: the attempt learns that its work no longer counts.
     */
    @WithTransaction
    public Uni<PublishOutcome> write(WriteCommand cmd) {
        Uni<ArtifactTaskEntity> task = cmd.delete()
                ? tasks.lock(cmd.taskId()).onItem().ifNull().failWith(() -> ContextStoreException.unknownTask(cmd.taskId()))
                : tasks.lockOrCreate(cmd.taskId());
        return task.call(() -> fences.admit(cmd.taskId(), cmd.provenance(), cmd.leaseToken(), cmd.key()))
                .chain(t -> replay(cmd).chain(previous -> previous != null
                        ? Uni.createFrom().item(previous)
                        : artifacts.findByKey(cmd.taskId(), cmd.key()).chain(artifact -> decide(t, artifact, cmd))));
    }

    /**
     * The outcome of an earlier try of the same (subtask, attempt, key) and operation, if there was one. A retry must
     * carry what the first try carried; other content under the same key is refused rather than silently dropped.
     */
    private Uni<PublishOutcome> replay(WriteCommand cmd) {
        Provenance p = cmd.provenance();
        if (!p.identifiable()) {
            return Uni.createFrom().nullItem();
        }
        VersionOrigin origin = cmd.delete() ? VersionOrigin.DELETE : VersionOrigin.PUBLISH;
        return versions.findByAttempt(cmd.taskId(), p.subtaskId(), p.attempt(), cmd.key(), origin)
                .chain(version -> {
                    if (version != null) {
                        sameWrite(cmd, version.body.contentHash(), "version " + version.version);
                        return Uni.createFrom().item((PublishOutcome) new PublishOutcome.Stored(version, true));
                    }
                    return conflicts.findByAttempt(cmd.taskId(), p.subtaskId(), p.attempt(), cmd.key(), cmd.delete())
                            .map(conflict -> {
                                if (conflict == null) {
                                    return null;
                                }
                                sameWrite(cmd, conflict.body.contentHash(), "conflict " + conflict.id);
                                return new PublishOutcome.Conflicted(conflict, true);
                            });
                });
    }

    private static void sameWrite(WriteCommand cmd, String storedHash, String stored) {
        if (!Objects.equals(cmd.contentHash(), storedHash)) {
            Provenance p = cmd.provenance();
            throw ContextStoreException.conflict("attempt-already-wrote", "attempt " + p.attempt() + " of subtask '"
                            + p.subtaskId() + "' already wrote other content to '" + cmd.key() + "' (" + stored
                            + "); an attempt writes a key once, retries must repeat the same content",
                    Map.of("stored", stored));
        }
    }

    private Uni<PublishOutcome> decide(ArtifactTaskEntity task, ArtifactEntity artifact, WriteCommand cmd) {
        long latest = artifact == null ? 0 : artifact.latestVersion;
        if (cmd.delete()) {
            if (artifact == null) {
                throw ContextStoreException.notFound("unknown-artifact",
                        "task '" + cmd.taskId() + "' has no artifact '" + cmd.key() + "'");
            }
            if (artifact.tombstone && cmd.baseVersion() == latest) {
                throw ContextStoreException.notFound("artifact-deleted", "artifact '" + cmd.key()
                        + "' is already deleted (version " + latest + ")", Map.of("latestVersion", latest));
            }
        }
        if (cmd.baseVersion() > latest) {
            throw ContextStoreException.notFound("unknown-version", "base version " + cmd.baseVersion() + " of '"
                    + cmd.key() + "' does not exist; the latest version is " + latest, Map.of("latestVersion", latest));
        }
        ArtifactContent body = cmd.delete() ? ArtifactContent.tombstone(artifact.kind, artifact.mediaType) : cmd.body();
        if (cmd.baseVersion() == latest) {
            ArtifactVersionEntity version = newVersion(cmd.taskId(), cmd.key(), latest + 1, body,
                    cmd.delete() ? VersionOrigin.DELETE : VersionOrigin.PUBLISH, cmd.provenance(), null);
            return storeVersion(task, artifact, version)
                    .map(stored -> new PublishOutcome.Stored(stored, false));
        }
        return storeConflict(task, artifact, cmd, body).map(conflict -> new PublishOutcome.Conflicted(conflict, false));
    }

    private Uni<ArtifactConflictEntity> storeConflict(ArtifactTaskEntity task, ArtifactEntity artifact, WriteCommand cmd,
                                                      ArtifactContent body) {
        ArtifactConflictEntity conflict = new ArtifactConflictEntity();
        conflict.id = UUID.randomUUID();
        conflict.taskId = cmd.taskId();
        conflict.key = cmd.key();
        conflict.baseVersion = cmd.baseVersion();
        conflict.currentVersion = artifact.latestVersion;
        conflict.body = body;
        conflict.provenance = cmd.provenance();
        conflict.status = ConflictStatus.PENDING;
        conflict.createdAt = now();
        Log.infof("conflict %s on %s/%s: written from version %d, latest is %d", conflict.id, conflict.taskId,
                conflict.key, conflict.baseVersion, conflict.currentVersion);
        return conflicts.persist(conflict)
                .call(c -> append(task, new ArtifactConflict(c.taskId, c.key, c.id.toString(), c.baseVersion,
                        c.currentVersion, c.provenance.author(), c.provenance.subtaskId(),
                        c.provenance.attemptOrZero())));
    }

    /**
     * Stores merged content as the next version and marks the conflict resolved. A merge attempt's write is fenced
     * like a publish to the conflict's key.
     */
    @WithTransaction
    public Uni<PublishOutcome.Stored> resolve(String taskId, UUID conflictId, MergeCommand merge) {
        return tasks.lock(taskId)
                .onItem().ifNull().failWith(() -> ContextStoreException.unknownTask(taskId))
                .chain(task -> conflicts.findInTask(taskId, conflictId)
                        .onItem().ifNull().failWith(() -> ContextStoreException.notFound("unknown-conflict",
                                "task '" + taskId + "' has no conflict " + conflictId))
                        .call(conflict -> fences.admit(taskId, merge.provenance(), merge.leaseToken(), conflict.key))
                        .chain(conflict -> conflict.status == ConflictStatus.RESOLVED
                                ? alreadyResolved(conflict, merge)
                                : artifacts.findByKey(taskId, conflict.key)
                                .chain(artifact -> storeResolution(task, artifact, conflict, merge))));
    }

    private Uni<PublishOutcome.Stored> alreadyResolved(ArtifactConflictEntity conflict, MergeCommand merge) {
        return versions.findVersion(conflict.taskId, conflict.key, conflict.resolvedVersion).map(version -> {
            Provenance by = merge.provenance();
            if (by.identifiable() && Objects.equals(version.provenance.subtaskId(), by.subtaskId())
                    && Objects.equals(version.provenance.attempt(), by.attempt())) {
                return new PublishOutcome.Stored(version, true);
            }
            throw ContextStoreException.conflict("conflict-already-resolved", "conflict " + conflict.id
                    + " was already resolved by version " + conflict.resolvedVersion + " of '" + conflict.key + "'",
                    Map.of("resolvedVersion", conflict.resolvedVersion));
        });
    }

    private Uni<PublishOutcome.Stored> storeResolution(ArtifactTaskEntity task, ArtifactEntity artifact,
                                                       ArtifactConflictEntity conflict, MergeCommand merge) {
        if (merge.baseVersion() != 0 && merge.baseVersion() != artifact.latestVersion) {
            throw ContextStoreException.conflict("stale-merge", "the merge was based on version "
                            + merge.baseVersion() + " of '" + conflict.key + "' but the latest is "
                            + artifact.latestVersion + "; merge again with the latest content",
                    Map.of("latestVersion", artifact.latestVersion, "conflictId", conflict.id));
        }
        ArtifactContent body = ArtifactContent.text(merge.kind() != null ? merge.kind() : conflict.body.kind(),
                merge.mediaType() != null ? merge.mediaType() : conflict.body.mediaType(), merge.content());
        ArtifactVersionEntity version = newVersion(conflict.taskId, conflict.key, artifact.latestVersion + 1, body,
                VersionOrigin.RESOLVE, merge.provenance(), conflict.id);
        return storeVersion(task, artifact, version)
                .invoke(conflict::resolve)
                .call(stored -> append(task, new ArtifactResolved(stored.taskId, stored.key, conflict.id.toString(),
                        stored.version, stored.provenance.author())))
                .map(stored -> new PublishOutcome.Stored(stored, false));
    }

    /** Names the task's current set of live artifacts. */
    @WithTransaction
    public Uni<CheckpointView> createCheckpoint(String taskId, String name, String description, String createdBy) {
        return tasks.lock(taskId)
                .onItem().ifNull().failWith(() -> ContextStoreException.unknownTask(taskId))
                .chain(task -> checkpoints.findByName(taskId, name).chain(existing -> {
                    if (existing != null) {
                        throw ContextStoreException.conflict("checkpoint-exists", "task '" + taskId
                                + "' already has a checkpoint named '" + name + "'; choose another name", Map.of());
                    }
                    CheckpointEntity checkpoint = new CheckpointEntity();
                    checkpoint.taskId = taskId;
                    checkpoint.name = name;
                    checkpoint.description = description;
                    checkpoint.createdBy = createdBy;
                    checkpoint.createdAt = now();
                    checkpoint.eventSeq = task.lastEventSeq;
                    return checkpoints.persist(checkpoint).chain(saved -> artifacts.listByTask(taskId).chain(all -> {
                        List<CheckpointEntryEntity> entries = new ArrayList<>();
                        for (ArtifactEntity artifact : all) {
                            if (!artifact.tombstone) {
                                CheckpointEntryEntity entry = new CheckpointEntryEntity();
                                entry.checkpointId = saved.id;
                                entry.key = artifact.key;
                                entry.version = artifact.latestVersion;
                                entries.add(entry);
                            }
                        }
                        return checkpointEntries.persist(entries).replaceWith(new CheckpointView(taskId, name,
                                description, createdBy, saved.createdAt, saved.eventSeq, entries.stream()
                                .map(e -> new CheckpointView.Entry(e.key, e.version)).toList()));
                    }));
                }));
    }

    /**
     * Makes the task's artifacts what they were at the checkpoint. Every change is a new version: a changed artifact
     * gets the checkpoint's content back, one created later is tombstoned. Pending conflicts stay pending.
     */
    @WithTransaction
    public Uni<RollbackView> rollback(String taskId, String name, Provenance by) {
        return tasks.lock(taskId)
                .onItem().ifNull().failWith(() -> ContextStoreException.unknownTask(taskId))
                .chain(task -> checkpoints.findByName(taskId, name)
                        .onItem().ifNull().failWith(() -> ContextStoreException.notFound("unknown-checkpoint",
                                "task '" + taskId + "' has no checkpoint named '" + name + "'"))
                        .chain(checkpoint -> checkpointVersions(taskId, checkpoint.id)
                                .chain(saved -> artifacts.listByTask(taskId)
                                        .chain(current -> restore(task, name, saved, current, by)))));
    }

    private Uni<List<ArtifactVersionEntity>> checkpointVersions(String taskId, long checkpointId) {
        return versions.getSession().chain(session -> session.createQuery(
                        "select v from ArtifactVersionEntity v, CheckpointEntryEntity e"
                                + " where e.checkpointId = :checkpointId and v.taskId = :taskId"
                                + " and v.key = e.key and v.version = e.version", ArtifactVersionEntity.class)
                .setParameter("checkpointId", checkpointId)
                .setParameter("taskId", taskId)
                .getResultList());
    }

    private Uni<RollbackView> restore(ArtifactTaskEntity task, String checkpointName, List<ArtifactVersionEntity> saved,
                                      List<ArtifactEntity> current, Provenance by) {
        Map<String, ArtifactVersionEntity> savedByKey = saved.stream()
                .collect(Collectors.toMap(v -> v.key, Function.identity()));
        Map<String, ArtifactEntity> currentByKey = new TreeMap<>();
        current.forEach(a -> currentByKey.put(a.key, a));
        List<RollbackView.Change> restored = new ArrayList<>();
        List<RollbackView.Change> tombstoned = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, ArtifactEntity> entry : currentByKey.entrySet()) {
            String key = entry.getKey();
            ArtifactEntity artifact = entry.getValue();
            ArtifactVersionEntity target = savedByKey.get(key);
            ArtifactContent body;
            if (target != null && !target.body.sameAs(latestBody(artifact))) {
                body = target.body;
                restored.add(new RollbackView.Change(key, artifact.latestVersion + 1, target.version));
            } else if (target == null && !artifact.tombstone) {
                body = ArtifactContent.tombstone(artifact.kind, artifact.mediaType);
                tombstoned.add(new RollbackView.Change(key, artifact.latestVersion + 1, 0));
            } else {
                unchanged.add(key);
                continue;
            }
            ArtifactVersionEntity change = newVersion(task.taskId, key, artifact.latestVersion + 1, body,
                    VersionOrigin.ROLLBACK, by, null);
            chain = chain.chain(() -> storeVersion(task, artifact, change)).replaceWithVoid();
        }
        Log.infof("rollback of task %s to checkpoint %s: %d restored, %d tombstoned, %d unchanged", task.taskId,
                checkpointName, restored.size(), tombstoned.size(), unchanged.size());
        return chain.replaceWith(new RollbackView(task.taskId, checkpointName, restored, tombstoned, unchanged));
    }

    /** The latest version's metadata as held by the pointer; its content is compared by hash. */
    private static ArtifactContent latestBody(ArtifactEntity artifact) {
        return new ArtifactContent(artifact.kind, artifact.mediaType, null, artifact.contentHash, artifact.sizeBytes,
                artifact.tombstone);
    }

    private static ArtifactVersionEntity newVersion(String taskId, String key, long number, ArtifactContent body,
                                                    VersionOrigin origin, Provenance provenance, UUID conflictId) {
        ArtifactVersionEntity v = new ArtifactVersionEntity();
        v.taskId = taskId;
        v.key = key;
        v.version = number;
        v.body = body;
        v.origin = origin;
        v.provenance = provenance;
        v.conflictId = conflictId;
        v.createdAt = now();
        return v;
    }

    /** Writes the version, moves the latest pointer and appends its {@code artifact.published} event. */
    private Uni<ArtifactVersionEntity> storeVersion(ArtifactTaskEntity task, ArtifactEntity artifact,
                                                    ArtifactVersionEntity version) {
        Uni<ArtifactEntity> pointer;
        if (artifact == null) {
            pointer = artifacts.persist(ArtifactEntity.first(version));
        } else {
            artifact.pointTo(version);
            pointer = Uni.createFrom().item(artifact);
        }
        return pointer.chain(() -> versions.persist(version))
                .call(v -> append(task, new ArtifactPublished(v.taskId, v.key, v.version, v.body.kind(),
                        v.body.contentHash(), v.body.sizeBytes(), v.body.tombstone(), v.provenance.author(),
                        v.provenance.subtaskId(), v.provenance.attemptOrZero())));
    }

    private Uni<ArtifactEventEntity> append(ArtifactTaskEntity task, ArtifactEvent event) {
        ArtifactEventEntity row = new ArtifactEventEntity();
        row.taskId = event.taskId();
        row.taskSeq = task.nextEventSeq();
        row.eventId = UUID.fromString(event.eventId());
        row.type = event.type();
        row.key = event.key();
        row.payload = EventCodec.encode(event);
        row.createdAt = now();
        row.traceParent = TaskTrace.traceparent(TaskTrace.parent(event.taskId()));
        return events.persist(row);
    }

    /** Microseconds, the precision PostgreSQL keeps, so that what is returned equals what is read back later. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
