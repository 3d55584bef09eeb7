package dev.cohort.orchestrator.service;

import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.TaskApproved;
import dev.cohort.contracts.event.TaskPlanned;
import dev.cohort.contracts.event.TaskRejected;
import dev.cohort.contracts.event.TaskResumed;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * What people do to a running team: approve, edit or reject its plan; pause, resume; stop one agent; add work;
 * talk to agents.
 */
@ApplicationScoped
public class TaskControlService {

    private final TaskRepository tasks;
    private final SubtaskRepository subtasks;
    private final OrchestrationService orchestration;
    private final SubtaskFactory factory;
    private final ReadyWork ready;
    private final CooperationService cooperation;
    private final TaskEvents events;
    private final OrchestratorConfig config;

    public TaskControlService(TaskRepository tasks, SubtaskRepository subtasks, OrchestrationService orchestration,
                              CooperationService cooperation, TaskEvents events, OrchestratorConfig config,
                              SubtaskFactory factory, ReadyWork ready) {
        this.factory = factory;
        this.ready = ready;
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.orchestration = orchestration;
        this.cooperation = cooperation;
        this.events = events;
        this.config = config;
    }

    /**
     * Approves the plan, or an edit of it: the edit replaces the planned subtasks and is validated like the lead's
     * plan. {@code models} optionally names the model for some subtasks, by plan id.
     */
    public Uni<Task> approve(UUID taskId, String by, List<PlannedSubtask> edit, Map<String, ModelRef> models) {
        return command(taskId, (graph, task) -> {
            requireStatus(task, TaskStatus.AWAITING_APPROVAL, "approved");
            Uni<Void> plan = Uni.createFrom().voidItem();
            boolean edited = edit != null && !edit.isEmpty();
            if (edited) {
                PlanValidator.Result result = PlanValidator.validate(edit, task.roleList(), config.maxPlanSubtasks());
                if (!result.valid()) {
                    throw CommandRejected.invalid("the edited plan is invalid: " + String.join("; ", result.errors()));
                }
                List<Subtask> old = graph.work().stream().filter(s -> s.statusValue() == SubtaskStatus.PENDING).toList();
                List<Subtask> created = result.subtasks().stream().map(p -> factory.fromPlan(task, p)).toList();
                plan = Uni.createFrom().voidItem();
                for (Subtask s : old) {
                    plan = plan.call(() -> subtasks.delete(s));
                }
                graph.removeAll(old);
                created.forEach(graph::add);
                plan = plan.call(() -> subtasks.getSession().flatMap(session -> session.flush()))
                        .call(() -> subtasks.persist(created))
                        .call(() -> events.publish(new TaskPlanned(task.id.toString(), result.subtasks(), task.planAttempts)));
            }
            if (models != null) {
                for (Map.Entry<String, ModelRef> m : models.entrySet()) {
                    Subtask s = graph.byKey(m.getKey()).orElseThrow(() -> CommandRejected.invalid(
                            "a model was given for '" + m.getKey() + "', which is not in the plan"));
                    s.requestedProvider = m.getValue().provider().id();
                    s.requestedModel = m.getValue().model();
                }
            }
            task.status(TaskStatus.RUNNING, null);
            return plan.call(() -> events.publish(new TaskApproved(task.id.toString(), by, edited)))
                    .call(() -> ready.dispatchReady(graph));
        });
    }

    public Uni<Task> reject(UUID taskId, String by, String reason) {
        return command(taskId, (graph, task) -> {
            requireStatus(task, TaskStatus.AWAITING_APPROVAL, "rejected");
            task.status(TaskStatus.CANCELLED, "plan rejected by " + by + (reason == null ? "" : ": " + reason));
            return orchestration.finishOpenSubtasks(graph, SubtaskStatus.CANCELLED, "plan rejected")
                    .call(() -> events.publish(new TaskRejected(task.id.toString(), by, reason)));
        });
    }

    public Uni<Task> pause(UUID taskId, String by) {
        return command(taskId, (graph, task) -> {
            requireStatus(task, TaskStatus.RUNNING, "paused");
            return orchestration.pause(graph, "paused by " + by);
        });
    }

    /** Resumes a paused task; a new budget may lift a budget cap that paused it. */
    public Uni<Task> resume(UUID taskId, String by, BigDecimal newBudget) {
        return command(taskId, (graph, task) -> {
            requireStatus(task, TaskStatus.PAUSED, "resumed");
            if (newBudget != null) {
                task.budgetUsd = newBudget;
            }
            if (task.budgetUsd != null && task.costUsd.compareTo(task.budgetUsd) >= 0) {
                throw CommandRejected.conflict("the task has spent $" + task.costUsd.stripTrailingZeros().toPlainString()
                        + " of its $" + task.budgetUsd.stripTrailingZeros().toPlainString() + " budget; resume with a higher budgetUsd");
            }
            task.status(TaskStatus.RUNNING, null);
            return events.publish(new TaskResumed(task.id.toString(), by)).call(() -> ready.dispatchReady(graph));
        });
    }

    /** Adds a subtask for a role to a running (or paused, or awaiting) task. */
    public Uni<Task> spawn(UUID taskId, Role role, String title, String instructions, List<String> dependsOn) {
        return command(taskId, (graph, task) -> {
            if (task.finished() || task.statusValue() == TaskStatus.PLANNING) {
                throw CommandRejected.conflict("the task is " + task.status + "; subtasks can be added once it is "
                        + "planned and until it ends");
            }
            for (String dep : dependsOn) {
                if (graph.byKey(dep).isEmpty()) {
                    throw CommandRejected.invalid("'dependsOn': '" + dep + "' is not a subtask of this task");
                }
            }
            String key = CooperationService.uniqueKey(graph, role.id());
            Subtask s = factory.newSubtask(task, key, role, SubtaskKind.WORK, title, instructions, dependsOn);
            graph.add(s);
            return subtasks.persist(s).replaceWithVoid()
                    .call(() -> events.subtaskChanged(s, "added by a person"))
                    .call(() -> ready.dispatchReady(graph));
        });
    }

    /**
     * Stops the attempt in flight of one subtask, named by its plan key or id, without stopping the task: it runs
     * again as a new attempt, or, without {@code retry}, is cancelled and the work that depends on it skipped.
     */
    public Uni<Task> stop(UUID taskId, String subtaskRef, String by, String reason, boolean retry) {
        return command(taskId, (graph, task) -> {
            Subtask subtask = graph.byKey(subtaskRef).or(() -> uuid(subtaskRef).flatMap(graph::byId))
                    .orElseThrow(() -> new CommandRejected(404, "task " + taskId + " has no subtask '" + subtaskRef
                            + "'; name one by its key (" + String.join(", ", graph.subtasks().stream()
                            .map(s -> s.planKey).toList()) + ") or its id"));
            if (!subtask.inFlight()) {
                throw CommandRejected.conflict("subtask '" + subtask.planKey + "' is " + subtask.status
                        + "; only a dispatched or running subtask can be stopped");
            }
            SubtaskKind kind = subtask.kindValue();
            if (!retry && (kind == SubtaskKind.PLAN || kind == SubtaskKind.SUMMARY)) {
                throw CommandRejected.conflict("the lead's " + kind.id() + " cannot be skipped; stop it with retry, "
                        + "or cancel the task");
            }
            String why = "stopped by " + by + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
            return orchestration.stop(graph, subtask, why, retry);
        });
    }

    public Uni<AgentMessage> message(UUID taskId, AgentMessage message) {
        return tasks.findById(taskId).flatMap(task -> {
            if (task == null) {
                throw CommandRejected.notFound(taskId);
            }
            if (task.finished()) {
                throw CommandRejected.conflict("the task is " + task.status + "; its agents no longer read messages");
            }
            return cooperation.send(taskId, message);
        });
    }

    private Uni<Task> command(UUID taskId, BiFunction<TaskGraph, Task, Uni<Void>> change) {
        return Panache.withTransaction(() -> tasks.lock(taskId).flatMap(task -> {
            if (task == null) {
                throw CommandRejected.notFound(taskId);
            }
            return subtasks.byTask(taskId).flatMap(list -> change.apply(new TaskGraph(task, list), task))
                    .replaceWith(task);
        }));
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void requireStatus(Task task, TaskStatus expected, String verb) {
        if (task.statusValue() != expected) {
            throw CommandRejected.conflict("the task is " + task.status + "; only a task that is " + expected.id()
                    + " can be " + verb);
        }
    }
}
