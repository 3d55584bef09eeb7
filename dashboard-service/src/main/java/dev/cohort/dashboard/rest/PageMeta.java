package dev.cohort.dashboard.rest;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The page's meta ({@code GET /api/meta}), built from the contracts' enums so that a role or a status added there
 * reaches the page without a change to it. Finished and in flight mean what they mean to the orchestrator: nothing
 * more happens to a finished task or subtask; a subtask in flight has an attempt out with a worker. {@code traceUrl}
 * is where the page links a task's trace ({@code {traceId}} in it), when one is configured.
 */
public record PageMeta(List<String> roles, List<TaskState> taskStatuses, List<SubtaskState> subtaskStatuses,
                       String traceUrl) {

    static final Set<TaskStatus> FINISHED_TASKS = EnumSet.of(TaskStatus.COMPLETED, TaskStatus.FAILED,
            TaskStatus.CANCELLED);
    static final Set<SubtaskStatus> FINISHED_SUBTASKS = EnumSet.of(SubtaskStatus.DONE, SubtaskStatus.FAILED,
            SubtaskStatus.SKIPPED, SubtaskStatus.CANCELLED);
    static final Set<SubtaskStatus> IN_FLIGHT_SUBTASKS = EnumSet.of(SubtaskStatus.DISPATCHED, SubtaskStatus.RUNNING);

    public static final PageMeta CURRENT = new PageMeta(
            Arrays.stream(Role.values()).map(Role::id).toList(),
            Arrays.stream(TaskStatus.values()).map(s -> new TaskState(s.id(), FINISHED_TASKS.contains(s))).toList(),
            Arrays.stream(SubtaskStatus.values())
                    .map(s -> new SubtaskState(s.id(), FINISHED_SUBTASKS.contains(s), IN_FLIGHT_SUBTASKS.contains(s)))
                    .toList(),
            null);

    /** This meta with the link template of task traces ({@code cohort.dashboard.trace-url}), or none. */
    public PageMeta withTraceUrl(String template) {
        return new PageMeta(roles, taskStatuses, subtaskStatuses, template);
    }

    /** A task status as the JSON names it ({@code awaiting-approval}). */
    public record TaskState(String id, boolean finished) {
    }

    /** A subtask status as the JSON names it. */
    public record SubtaskState(String id, boolean finished, boolean inFlight) {
    }
}
