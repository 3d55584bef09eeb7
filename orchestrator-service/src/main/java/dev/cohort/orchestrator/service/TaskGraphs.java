package dev.cohort.orchestrator.service;

import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way to change a task: lock its row, load its graph, apply the change, all in the caller's transaction, so
 * agent events, sweeps, messages and people's commands on one task never interleave. The events a change writes to
 * the outbox are written together when it is done ({@link OutboxRepository#collecting}).
 */
@ApplicationScoped
public class TaskGraphs {

    private final TaskRepository tasks;
    private final SubtaskRepository subtasks;
    private final OutboxRepository outbox;

    public TaskGraphs(TaskRepository tasks, SubtaskRepository subtasks, OutboxRepository outbox) {
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.outbox = outbox;
    }

    /** Applies a change to the task's whole graph; an unknown task is skipped with a warning. */
    public Uni<Void> withGraph(UUID taskId, Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, false, () -> subtasks.byTask(taskId), change);
    }

    /**
     * Like {@link #withGraph} for a record read from Kafka: a record of a task that does not exist is a permanent
     * failure, for the consumer to dead-letter.
     */
    public Uni<Void> withRecordGraph(UUID taskId, Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, true, () -> subtasks.byTask(taskId), change);
    }

    /**
     * Like {@link #withRecordGraph} for a change that touches one subtask: the task is locked as for any change,
     * and the graph handed over holds only that subtask (or none, when the task has no such subtask).
     */
    public Uni<Void> withRecordSubtask(UUID taskId, UUID subtaskId, Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, true, () -> subtasks.ofTask(taskId, subtaskId)
                .map(subtask -> subtask == null ? List.<Subtask>of() : List.of(subtask)), change);
    }

    /**
     * Like {@link #withRecordGraph} for a change around one subtask, whose cost should not grow with the size of the
     * task: the task is locked, every subtask's {@linkplain SubtaskOutline outline} read, and {@code part} chooses from
     * the task and the outline the subtasks to load in full, or returns null for the whole graph.
     */
    public Uni<Void> withRecordPart(UUID taskId, BiFunction<Task, List<SubtaskOutline>, Set<UUID>> part,
                                    Function<TaskGraph, Uni<Void>> change) {
        return tasks.lock(taskId).flatMap(task -> {
            if (task == null) {
                return Uni.createFrom().failure(new IllegalArgumentException("there is no task " + taskId));
            }
            return subtasks.outline(taskId).flatMap(outline -> {
                Set<UUID> ids = part.apply(task, outline);
                return ids == null
                        ? subtasks.byTask(taskId).flatMap(list -> apply(change, new TaskGraph(task, list)))
                        : subtasks.ofTask(taskId, ids).flatMap(list -> apply(change, TaskGraph.part(task, list, outline)));
            });
        });
    }

    /** Locks the task, loads the subtasks {@code load} names and applies the change to them. */
    private Uni<Void> withGraph(UUID taskId, boolean mustExist, Supplier<Uni<List<Subtask>>> load,
                                Function<TaskGraph, Uni<Void>> change) {
        return tasks.lock(taskId).flatMap(task -> {
            if (task == null && mustExist) {
                return Uni.createFrom().failure(new IllegalArgumentException("there is no task " + taskId));
            }
            if (task == null) {
                Log.warnf("Ignoring an event for unknown task %s", taskId);
                return Uni.createFrom().voidItem();
            }
            return load.get().flatMap(list -> apply(change, new TaskGraph(task, list)));
        });
    }

    private Uni<Void> apply(Function<TaskGraph, Uni<Void>> change, TaskGraph graph) {
        return outbox.collecting(() -> change.apply(graph));
    }
}
