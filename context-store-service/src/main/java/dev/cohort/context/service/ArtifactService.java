package dev.cohort.context.service;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.cohort.context.api.ArtifactSummaryView;
import dev.cohort.context.api.ArtifactVersionView;
import dev.cohort.context.api.ConflictView;
import dev.cohort.context.api.PublishRequest;
import dev.cohort.context.api.ResolveRequest;
import dev.cohort.context.messaging.ArtifactEventRelay;
import dev.cohort.context.model.ArtifactContent;
import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.model.ConflictStatus;
import dev.cohort.context.model.Provenance;
import dev.cohort.context.repository.ArtifactConflictRepository;
import dev.cohort.context.repository.ArtifactRepository;
import dev.cohort.context.repository.ArtifactTaskRepository;
import dev.cohort.context.repository.ArtifactVersionRepository;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The context store's operations: checks the rules across fields (who may write, what a worker's write must name)
 * before any transaction, delegates changes to {@link ArtifactWriter}, and wakes the event relay once a change has
 * committed. The shape of each value was checked by the REST resources' constraints ({@link ArtifactRules}).
 */
@ApplicationScoped
public class ArtifactService {

    private final ArtifactWriter writer;
    private final DispatchWaits waits;
    private final ArtifactEventRelay relay;
    private final ArtifactTaskRepository tasks;
    private final ArtifactRepository artifacts;
    private final ArtifactVersionRepository versions;
    private final ArtifactConflictRepository conflicts;
    private final MeterRegistry metrics;

    public ArtifactService(ArtifactWriter writer, DispatchWaits waits, ArtifactEventRelay relay,
                           ArtifactTaskRepository tasks, ArtifactRepository artifacts,
                           ArtifactVersionRepository versions, ArtifactConflictRepository conflicts,
                           MeterRegistry metrics) {
        this.metrics = metrics;
        this.writer = writer;
        this.waits = waits;
        this.relay = relay;
        this.tasks = tasks;
        this.artifacts = artifacts;
        this.versions = versions;
        this.conflicts = conflicts;
    }

    /**
     * Stores a write of {@code caller}: a worker's is held to its subtask's fence, a person's is recorded under the
     * person's name.
     */
    public Uni<PublishOutcome> publish(Caller caller, String taskId, PublishRequest request) {
        String mediaType = Objects.requireNonNullElse(ArtifactRules.present(request.mediaType()), "text/plain");
        Attribution by = attribute(caller, request.role(), request.agentId(), request.provider(), request.model(),
                request.subtaskId(), request.attempt(), request.leaseToken());
        WriteCommand cmd = new WriteCommand(taskId, request.key(),
                ArtifactContent.text(request.kind(), mediaType, request.content()), base(request.baseVersion()),
                by.provenance(), by.leaseToken());
        return waits.write(taskId, cmd.provenance().subtaskId(), () -> writer.write(cmd)).invoke(this::written);
    }

    /** Counts the outcome and wakes the relay, now that the write has committed. */
    private void written(PublishOutcome outcome) {
        String result = outcome.replayed() ? "replayed"
                : outcome instanceof PublishOutcome.Stored ? "stored" : "conflict";
        metrics.counter("cohort.context.writes", "outcome", result).increment();
        relay.wake();
    }

    /** Writes a tombstone version; like a publish it needs the base version and is a conflict when that is stale. */
    public Uni<PublishOutcome> delete(Caller caller, String taskId, String key, long baseVersion, String role,
                                      String agentId, String subtaskId, Integer attempt, String leaseToken) {
        Attribution by = attribute(caller, role, agentId, null, null, subtaskId, attempt, leaseToken);
        WriteCommand cmd = new WriteCommand(taskId, key, null, baseVersion, by.provenance(), by.leaseToken());
        return waits.write(taskId, cmd.provenance().subtaskId(), () -> writer.write(cmd)).invoke(this::written);
    }

    public Uni<PublishOutcome.Stored> resolve(Caller caller, String taskId, UUID conflictId, ResolveRequest request) {
        Attribution by = attribute(caller, request.role(), request.agentId(), request.provider(), request.model(),
                request.subtaskId(), request.attempt(), request.leaseToken());
        MergeCommand merge = new MergeCommand(request.content(), request.kind(),
                ArtifactRules.present(request.mediaType()), base(request.baseVersion()), by.provenance(),
                by.leaseToken());
        return waits.write(taskId, merge.provenance().subtaskId(), () -> writer.resolve(taskId, conflictId, merge))
                .invoke(relay::wake);
    }

    /** The version a write was based on; absent means none, a create. */
    private static long base(Long baseVersion) {
        return baseVersion == null ? 0 : baseVersion;
    }

    /** The author of a write, and the lease token that fences it (null for a person's write). */
    private record Attribution(Provenance provenance, String leaseToken) {
    }

    /**
     * Who a write is recorded as. A worker's write names the attempt dispatched to it (subtask, attempt and lease
     * token, checked against the fence inside the write's transaction) and one of its own agents. A person's write is
     * recorded under the person's name whatever the body says: {@code role} and {@code agentId} are accepted but
     * ignored, and naming a subtask is refused, since only a worker runs one.
     */
    private Attribution attribute(Caller caller, String role, String agentId, Provider provider, String model,
                                  String subtaskId, Integer attempt, String leaseToken) {
        String subtask = ArtifactRules.present(subtaskId);
        String token = ArtifactRules.present(leaseToken);
        String authorRole = ArtifactRules.present(role);
        String agent = ArtifactRules.present(agentId);
        String modelName = ArtifactRules.present(model);
        if (!caller.worker()) {
            if (subtask != null) {
                throw ContextStoreException.forbidden("not-a-worker", "'" + caller.name() + "' is not an agent worker,"
                        + " so it cannot write for subtask '" + subtask + "'; a person's write names no subtaskId",
                        Map.of("principal", caller.name()));
            }
            return new Attribution(new Provenance(null, caller.name(), provider, modelName, null, null), null);
        }
        if (subtask == null || attempt == null || token == null) {
            throw ContextStoreException.invalid("missing-field", "a worker's write must name the attempt dispatched"
                    + " to it: fields 'subtaskId', 'attempt' and 'leaseToken' are required (missing: "
                    + missing(subtask, attempt, token) + ")");
        }
        if (authorRole == null) {
            throw ContextStoreException.invalid("missing-field", "field 'role' is required");
        }
        if (agent == null) {
            throw ContextStoreException.invalid("missing-field", "field 'agentId' is required, e.g. '"
                    + caller.name() + "/" + authorRole + "'");
        }
        if (!caller.owns(agent)) {
            throw ContextStoreException.forbidden("agent-mismatch", "worker '" + caller.name()
                    + "' cannot write as agent '" + agent + "': its agents are named '" + caller.name() + "/...'",
                    Map.of("principal", caller.name(), "agentId", agent));
        }
        return new Attribution(new Provenance(authorRole, agent, provider, modelName, subtask, attempt), token);
    }

    private static String missing(String subtask, Integer attempt, String token) {
        List<String> missing = new ArrayList<>();
        if (subtask == null) {
            missing.add("subtaskId");
        }
        if (attempt == null) {
            missing.add("attempt");
        }
        if (token == null) {
            missing.add("leaseToken");
        }
        return String.join(", ", missing);
    }

    /** The latest version, or a given one; a deleted artifact's latest version is a 404 that names it. */
    @WithSession
    public Uni<ArtifactVersionView> get(String taskId, String key, Long version) {
        return artifacts.findByKey(taskId, key).chain(artifact -> {
            if (artifact == null) {
                return unknownArtifact(taskId, key);
            }
            if (version == null && artifact.tombstone) {
                throw ContextStoreException.notFound("artifact-deleted", "artifact '" + key + "' was deleted in version "
                        + artifact.latestVersion + "; ask for an earlier version with ?version=N",
                        Map.of("latestVersion", artifact.latestVersion));
            }
            long wanted = version == null ? artifact.latestVersion : version;
            return versions.findVersion(taskId, key, wanted)
                    .map(v -> {
                        if (v == null) {
                            throw unknownVersion(key, wanted, artifact.latestVersion);
                        }
                        return Views.version(v, true, null);
                    });
        });
    }

    /**
     * The latest version, with content, of each of {@code keys} that has one and is not deleted, in the order asked
     * (a key named twice once); one query, whatever the number of keys. A task with nothing stored has none.
     */
    @WithSession
    public Uni<List<ArtifactVersionView>> latest(String taskId, List<String> keys) {
        Set<String> wanted = new LinkedHashSet<>(keys);
        if (wanted.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return versions.latest(taskId, wanted).map(found -> {
            Map<String, ArtifactVersionEntity> byKey = new HashMap<>();
            found.forEach(v -> byKey.put(v.key, v));
            return wanted.stream().map(byKey::get).filter(Objects::nonNull)
                    .map(v -> Views.version(v, true, null)).toList();
        });
    }

    @WithSession
    public Uni<List<ArtifactSummaryView>> list(String taskId, String prefix, String glob, List<String> kindIds,
                                               boolean includeDeleted) {
        Predicate<String> pattern = KeyPattern.of(glob);
        Set<ArtifactKind> kinds = kindIds == null ? Set.of() : kindIds.stream()
                .flatMap(k -> Arrays.stream(k.split(",")))
                .filter(k -> !k.isBlank())
                .map(ArtifactService::kind)
                .collect(Collectors.toSet());
        return requireTask(taskId)
                .chain(() -> artifacts.listByTask(taskId, prefix, kinds))
                .map(list -> list.stream()
                        .filter(a -> includeDeleted || !a.tombstone)
                        .filter(a -> pattern.test(a.key))
                        .map(Views::summary)
                        .toList());
    }

    @WithSession
    public Uni<List<ArtifactVersionView>> history(String taskId, String key) {
        return versions.history(taskId, key).chain(list -> list.isEmpty()
                ? unknownArtifact(taskId, key)
                : Uni.createFrom().item(list.stream().map(v -> Views.version(v, false, null)).toList()));
    }

    /** A unified diff from one version to another; a tombstone counts as empty content. */
    @WithSession
    public Uni<String> diff(String taskId, String key, Long from, Long to) {
        return artifacts.findByKey(taskId, key).chain(artifact -> {
            if (artifact == null) {
                return unknownArtifact(taskId, key);
            }
            return versions.findVersion(taskId, key, from).chain(a -> versions.findVersion(taskId, key, to).map(b -> {
                if (a == null) {
                    throw unknownVersion(key, from, artifact.latestVersion);
                }
                if (b == null) {
                    throw unknownVersion(key, to, artifact.latestVersion);
                }
                return unifiedDiff(a, b);
            }));
        });
    }

    private static String unifiedDiff(ArtifactVersionEntity a, ArtifactVersionEntity b) {
        List<String> original = lines(a.body.content());
        List<String> revised = lines(b.body.content());
        Patch<String> patch = DiffUtils.diff(original, revised);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(a.key + "@" + a.version, b.key + "@" + b.version,
                original, patch, 3);
        return diff.isEmpty() ? "" : String.join("\n", diff) + "\n";
    }

    private static List<String> lines(String content) {
        return content == null || content.isEmpty() ? List.of() : Arrays.asList(content.split("\r?\n", -1));
    }

    @WithSession
    public Uni<List<ConflictView>> conflicts(String taskId, String status, String key) {
        ConflictStatus wanted;
        try {
            wanted = status == null || status.isBlank() ? null : ConflictStatus.fromId(status);
        } catch (IllegalArgumentException e) {
            throw ContextStoreException.invalid("invalid-parameter", e.getMessage());
        }
        return requireTask(taskId)
                .chain(() -> conflicts.listByTask(taskId, wanted, key == null || key.isBlank() ? null : key))
                .map(list -> list.stream().map(c -> Views.conflict(c, null, null, null)).toList());
    }

    /** One conflict with the three inputs of a merge: base, current (at conflict time) and the conflicting write. */
    @WithSession
    public Uni<ConflictView> conflict(String taskId, UUID conflictId) {
        return conflicts.findInTask(taskId, conflictId)
                .onItem().ifNull().failWith(() -> ContextStoreException.notFound("unknown-conflict",
                        "task '" + taskId + "' has no conflict " + conflictId))
                .chain(c -> content(c.taskId, c.key, c.baseVersion)
                        .chain(base -> content(c.taskId, c.key, c.currentVersion)
                                .map(current -> Views.conflict(c, base, current, null))));
    }

    private Uni<String> content(String taskId, String key, long version) {
        return version == 0 ? Uni.createFrom().nullItem()
                : versions.findVersion(taskId, key, version).map(v -> v == null ? null : v.body.content());
    }

    /** Fails with 404 unless something was stored for the task. */
    public Uni<Void> requireTask(String taskId) {
        return tasks.findById(taskId)
                .onItem().ifNull().failWith(() -> ContextStoreException.unknownTask(taskId))
                .replaceWithVoid();
    }

    private <T> Uni<T> unknownArtifact(String taskId, String key) {
        return requireTask(taskId).map(ignored -> {
            throw ContextStoreException.notFound("unknown-artifact", "task '" + taskId + "' has no artifact '" + key + "'");
        });
    }

    private static ContextStoreException unknownVersion(String key, long version, long latest) {
        return ContextStoreException.notFound("unknown-version", "artifact '" + key + "' has no version " + version
                + "; versions run from 1 to " + latest, Map.of("latestVersion", latest));
    }

    private static ArtifactKind kind(String id) {
        try {
            return ArtifactKind.fromId(id);
        } catch (IllegalArgumentException e) {
            throw ContextStoreException.invalid("invalid-parameter", e.getMessage());
        }
    }
}
