package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A locked task with its subtasks, as loaded in one transaction: the questions the orchestrator asks of it. */
public final class TaskGraph {

    private final Task task;
    private final Map<String, Subtask> byKey = new LinkedHashMap<>();

    public TaskGraph(Task task, List<Subtask> subtasks) {
        this.task = task;
        subtasks.forEach(s -> byKey.put(s.planKey, s));
    }

    public Task task() {
        return task;
    }

    public List<Subtask> subtasks() {
        return List.copyOf(byKey.values());
    }

    public Optional<Subtask> byId(UUID id) {
        return byKey.values().stream().filter(s -> s.id.equals(id)).findFirst();
    }

    public Optional<Subtask> byKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public void removeAll(List<Subtask> removed) {
        removed.forEach(s -> byKey.remove(s.planKey));
    }

    public void add(Subtask subtask) {
        byKey.put(subtask.planKey, subtask);
    }

    /** Planned work (not the lead's own plan and summary subtasks). */
    public List<Subtask> work() {
        return byKey.values().stream()
                .filter(s -> s.kindValue() != SubtaskKind.PLAN && s.kindValue() != SubtaskKind.SUMMARY)
                .toList();
    }

    /** Pending subtasks whose dependencies are all done and that wait for no retry. */
    public List<Subtask> ready() {
        return byKey.values().stream()
                .filter(s -> s.statusValue() == SubtaskStatus.PENDING && s.retryAt == null)
                .filter(s -> s.dependsOnKeys().stream()
                        .allMatch(k -> byKey.containsKey(k) && byKey.get(k).statusValue() == SubtaskStatus.DONE))
                .toList();
    }

    public List<Subtask> dependencies(Subtask subtask) {
        return subtask.dependsOnKeys().stream().map(byKey::get).filter(java.util.Objects::nonNull).toList();
    }

    /** Every subtask that depends on this one, directly or through others. */
    public List<Subtask> dependents(Subtask subtask) {
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
        return work().stream().allMatch(Subtask::finished);
    }
}
