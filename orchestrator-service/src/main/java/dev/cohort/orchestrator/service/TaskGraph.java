package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A locked task with its subtasks, as loaded in one transaction: the questions the orchestrator asks of it.
 *
 * <p>Usually the whole graph is loaded. A change around one subtask (a piece of work completed) loads a part of it
 * ({@link #part}): that subtask and the subtasks it may make ready, with an {@linkplain SubtaskOutline outline} of
 * every other subtask, enough to tell whether work is ready or all finished. The questions about subtasks that were not
 * loaded fail on a part instead of answering from what happens to be loaded.
 */
public final class TaskGraph {

    private final Task task;
    private final Map<String, Subtask> byKey = new LinkedHashMap<>();
    /** Every subtask of the task by key when only a part is loaded; null when the whole graph is. */
    private final Map<String, SubtaskOutline> outline;

    public TaskGraph(Task task, List<Subtask> subtasks) {
        this(task, subtasks, null);
    }

    private TaskGraph(Task task, List<Subtask> subtasks, Map<String, SubtaskOutline> outline) {
        this.task = task;
        this.outline = outline;
        subtasks.forEach(s -> byKey.put(s.planKey, s));
    }

    /** A part of the graph: {@code loaded} in full, the others known by their {@code outline} only. */
    static TaskGraph part(Task task, List<Subtask> loaded, List<SubtaskOutline> outline) {
        Map<String, SubtaskOutline> all = new LinkedHashMap<>();
        outline.forEach(o -> all.put(o.planKey(), o));
        return new TaskGraph(task, loaded, all);
    }

    /**
     * What the current attempt of a piece of work finishing can change besides its subtask: the subtasks it may make
     * ready (pending, not waiting, every other dependency done) and their dependencies, whose results go out with
     * them. Null when the whole graph is needed: the subtask is unknown, not work, or not in flight with this attempt
     * (a stale or late result), or it is the last unfinished work (the summary comes next).
     */
    static Set<UUID> aroundCompletion(List<SubtaskOutline> outline, UUID subtaskId, int attempt) {
        return aroundCompletions(outline, Map.of(subtaskId, attempt));
    }

    /**
     * Like {@link #aroundCompletion} for several pieces of work finishing in one change ({@code attempts}: the
     * attempt of each, by subtask id): what they may make ready once all of them are done, and their dependencies.
     * Null when the whole graph is needed: one of them is not current work, or together they are the last
     * unfinished work.
     */
    static Set<UUID> aroundCompletions(List<SubtaskOutline> outline, Map<UUID, Integer> attempts) {
        Map<String, SubtaskOutline> all = new LinkedHashMap<>();
        outline.forEach(o -> all.put(o.planKey(), o));
        Set<String> finishing = new java.util.HashSet<>();
        Set<UUID> ids = new LinkedHashSet<>();
        for (Map.Entry<UUID, Integer> attempt : attempts.entrySet()) {
            SubtaskOutline done = outline.stream().filter(o -> o.id().equals(attempt.getKey())).findFirst()
                    .orElse(null);
            if (done == null || done.kind() != SubtaskKind.WORK || done.attempt() != attempt.getValue()
                    || done.status() != SubtaskStatus.DISPATCHED && done.status() != SubtaskStatus.RUNNING) {
                return null;
            }
            finishing.add(done.planKey());
            ids.add(done.id());
        }
        if (outline.stream().noneMatch(o -> !finishing.contains(o.planKey()) && o.work() && !o.finished())) {
            return null;
        }
        for (SubtaskOutline o : outline) {
            if (o.status() == SubtaskStatus.PENDING && !o.waiting()
                    && o.dependsOn().stream().anyMatch(finishing::contains)
                    && o.dependsOn().stream().allMatch(k -> finishing.contains(k)
                    || all.containsKey(k) && all.get(k).status() == SubtaskStatus.DONE)) {
                ids.add(o.id());
                o.dependsOn().stream().map(all::get).forEach(dep -> ids.add(dep.id()));
            }
        }
        return ids;
    }

    public Task task() {
        return task;
    }

    public List<Subtask> subtasks() {
        requireWhole("subtasks");
        return List.copyOf(byKey.values());
    }

    public Optional<Subtask> byId(UUID id) {
        Optional<Subtask> found = byKey.values().stream().filter(s -> s.id.equals(id)).findFirst();
        if (found.isEmpty() && outline != null && outline.values().stream().anyMatch(o -> o.id().equals(id))) {
            throw notLoaded(id.toString());
        }
        return found;
    }

    public Optional<Subtask> byKey(String key) {
        Subtask found = byKey.get(key);
        if (found == null && outline != null && outline.containsKey(key)) {
            throw notLoaded(key);
        }
        return Optional.ofNullable(found);
    }

    public void removeAll(List<Subtask> removed) {
        requireWhole("removeAll");
        removed.forEach(s -> byKey.remove(s.planKey));
    }

    public void add(Subtask subtask) {
        byKey.put(subtask.planKey, subtask);
    }

    /** Planned work (not the lead's own plan and summary subtasks). */
    public List<Subtask> work() {
        requireWhole("work");
        return byKey.values().stream().filter(s -> isWork(s.kindValue())).toList();
    }

    /** Pending subtasks (of those loaded) whose dependencies are all done and that wait for no retry. */
    public List<Subtask> ready() {
        return byKey.values().stream()
                .filter(s -> s.statusValue() == SubtaskStatus.PENDING && s.retryAt == null)
                .filter(s -> s.dependsOnKeys().stream().allMatch(k -> status(k) == SubtaskStatus.DONE))
                .toList();
    }

    public List<Subtask> dependencies(Subtask subtask) {
        return subtask.dependsOnKeys().stream().map(k -> {
            Subtask dep = byKey.get(k);
            if (dep == null && outline != null && outline.containsKey(k)) {
                throw notLoaded(k);
            }
            return dep;
        }).filter(java.util.Objects::nonNull).toList();
    }

    /** Every subtask that depends on this one, directly or through others. */
    public List<Subtask> dependents(Subtask subtask) {
        requireWhole("dependents");
        List<Subtask> result = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>(List.of(subtask.planKey));
        while (!queue.isEmpty()) {
            String key = queue.poll();
            for (Subtask s : byKey.values()) {
                if (s.dependsOnKeys().contains(key) && !result.contains(s)) {
                    result.add(s);
                    queue.add(s.planKey);
                }
            }
        }
        return result;
    }

    /**
     * Every piece of planned work is done, or was stopped by a person and skipped with what depended on it. While
     * the task runs nothing else ends work: a failed subtask fails the task.
     */
    public boolean allWorkFinished() {
        boolean loaded = byKey.values().stream().filter(s -> isWork(s.kindValue())).allMatch(Subtask::finished);
        return loaded && (outline == null || outline.values().stream()
                .filter(o -> o.work() && !byKey.containsKey(o.planKey())).allMatch(SubtaskOutline::finished));
    }

    /** A subtask's status as loaded, or as outlined; null for a key the task does not have. */
    private SubtaskStatus status(String key) {
        Subtask loaded = byKey.get(key);
        if (loaded != null) {
            return loaded.statusValue();
        }
        SubtaskOutline o = outline == null ? null : outline.get(key);
        return o == null ? null : o.status();
    }

    private void requireWhole(String question) {
        if (outline != null) {
            throw new IllegalStateException(question + "() needs the whole graph of task " + task.id
                    + ", and only a part was loaded");
        }
    }

    private IllegalStateException notLoaded(String subtask) {
        return new IllegalStateException("subtask " + subtask + " of task " + task.id
                + " is in the graph but was not loaded with the part being changed");
    }

    private static boolean isWork(SubtaskKind kind) {
        return SubtaskOutline.isWork(kind);
    }
}
