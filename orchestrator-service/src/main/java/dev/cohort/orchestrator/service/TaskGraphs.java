package dev.cohort.orchestrator.service;

import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.repository.ProcessedEventRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
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
    private final ProcessedEventRepository processed;

    public TaskGraphs(TaskRepository tasks, SubtaskRepository subtasks, OutboxRepository outbox,
                      ProcessedEventRepository processed) {
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.outbox = outbox;
        this.processed = processed;
    }

    /** Applies a change to the task's whole graph; an unknown task is skipped with a warning. */
    public Uni<Void> withGraph(UUID taskId, Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, null, false, () -> subtasks.byTask(taskId), change);
    }

    /**
     * Like {@link #withGraph} for a record read from Kafka: a record of a task that does not exist is a permanent
     * failure, for the consumer to dead-letter. With an {@code eventId}, the change takes effect once: the event is
     * recorded as applied in the change's transaction before the task is locked, and a record applied before changes
     * nothing. Null for a record whose change is harmless to repeat.
     */
    public Uni<Void> withRecordGraph(UUID taskId, String eventId, Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, eventId, true, () -> subtasks.byTask(taskId), change);
    }

    /**
     * Like {@link #withRecordGraph} for a change that touches one subtask: the task is locked as for any change,
     * and the graph handed over holds only that subtask (or none, when the task has no such subtask).
     */
    public Uni<Void> withRecordSubtask(UUID taskId, String eventId, UUID subtaskId,
                                       Function<TaskGraph, Uni<Void>> change) {
        return withGraph(taskId, eventId, true, () -> subtasks.ofTask(taskId, subtaskId)
                .map(subtask -> subtask == null ? List.<Subtask>of() : List.of(subtask)), change);
    }

    /**
     * Like {@link #withRecordGraph} for a change around one subtask, whose cost should not grow with the size of the
     * task: the task is locked, every subtask's {@linkplain SubtaskOutline outline} read, and {@code part} chooses from
     * the task and the outline the subtasks to load in full, or returns null for the whole graph.
     */
    public Uni<Void> withRecordPart(UUID taskId, String eventId, BiFunction<Task, List<SubtaskOutline>, Set<UUID>> part,
                                    Function<TaskGraph, Uni<Void>> change) {
        return lock(taskId, eventId, true).flatMap(task -> task == null ? Uni.createFrom().voidItem()
                : subtasks.outline(taskId).flatMap(outline -> {
                    Set<UUID> ids = part.apply(task, outline);
                    return ids == null
                            ? subtasks.byTask(taskId).flatMap(list -> apply(change, new TaskGraph(task, list)))
                            : subtasks.ofTask(taskId, ids)
                                    .flatMap(list -> apply(change, TaskGraph.part(task, list, outline)));
                }));
    }

    /**
     * Like {@link #withRecordPart} for several records of one task changed together, in order: each record's event
     * id ({@code eventIdOf}, null for a record harmless to repeat) is recorded as applied, and {@code part} and
     * {@code change} get the records not applied before. Nothing is locked or loaded when every record was.
     */
    public <R> Uni<Void> withRecordsPart(UUID taskId, List<R> records, Function<R, String> eventIdOf,
                                         PartOf<R> part, BiFunction<TaskGraph, List<R>, Uni<Void>> change) {
        Uni<List<R>> fresh = Uni.createFrom().item(ArrayList::new);
        for (R record : records) {
            String eventId = eventIdOf.apply(record);
            fresh = fresh.flatMap(list -> (eventId == null ? Uni.createFrom().item(true)
                    : processed.markProcessed(eventId)).map(applies -> {
                        if (applies) {
                            list.add(record);
                        } else {
                            Log.debugf("Ignoring event %s of task %s: already applied", eventId, taskId);
                        }
                        return list;
                    }));
        }
        return fresh.flatMap(list -> list.isEmpty() ? Uni.createFrom().voidItem()
                : tasks.lock(taskId).flatMap(task -> existing(task, taskId, true)).flatMap(task ->
                        subtasks.outline(taskId).flatMap(outline -> {
                            Set<UUID> ids = part.of(task, outline, list);
                            Function<TaskGraph, Uni<Void>> each = graph -> change.apply(graph, list);
                            return ids == null
                                    ? subtasks.byTask(taskId).flatMap(all -> apply(each, new TaskGraph(task, all)))
                                    : subtasks.ofTask(taskId, ids)
                                            .flatMap(loaded -> apply(each, TaskGraph.part(task, loaded, outline)));
                        })));
    }

    /** Which subtasks a change of several records loads in full; null for the whole graph. */
    @FunctionalInterface
    public interface PartOf<R> {
        Set<UUID> of(Task task, List<SubtaskOutline> outline, List<R> records);
    }

    /** Locks the task, loads the subtasks {@code load} names and applies the change to them. */
    private Uni<Void> withGraph(UUID taskId, String eventId, boolean mustExist, Supplier<Uni<List<Subtask>>> load,
                                Function<TaskGraph, Uni<Void>> change) {
        return lock(taskId, eventId, mustExist).flatMap(task -> task == null ? Uni.createFrom().voidItem()
                : load.get().flatMap(list -> apply(change, new TaskGraph(task, list))));
    }

    /**
     * The task, locked, with the event (if any) recorded as applied; null when there is nothing to change: the event
     * was applied before, or there is no such task and it need not exist (a failure when it must).
     */
    private Uni<Task> lock(UUID taskId, String eventId, boolean mustExist) {
        Uni<Boolean> first = eventId == null ? Uni.createFrom().item(true) : processed.markProcessed(eventId);
        return first.flatMap(applies -> {
            if (!applies) {
                Log.debugf("Ignoring event %s of task %s: already applied", eventId, taskId);
                return Uni.createFrom().nullItem();
            }
            return tasks.lock(taskId).flatMap(task -> existing(task, taskId, mustExist));
        });
    }

    /** The task found, or null for none: a failure when it must exist, else skipped with a warning. */
    private static Uni<Task> existing(Task task, UUID taskId, boolean mustExist) {
        if (task == null && mustExist) {
            return Uni.createFrom().failure(new IllegalArgumentException("there is no task " + taskId));
        }
        if (task == null) {
            Log.warnf("Ignoring an event for unknown task %s", taskId);
        }
        return Uni.createFrom().item(task);
    }

    private Uni<Void> apply(Function<TaskGraph, Uni<Void>> change, TaskGraph graph) {
        return outbox.collecting(() -> change.apply(graph));
    }
}
