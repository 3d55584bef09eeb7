package dev.cohort.contracts.event;

/** Events on {@link dev.cohort.contracts.Topics#TASK_EVENTS}: a task's lifecycle and its subtasks' transitions. */
public sealed interface TaskEvent extends CohortEvent permits TaskSubmitted, TaskPlanned, TaskAwaitingApproval,
        TaskApproved, TaskRejected, TaskPaused, TaskResumed, TaskCompleted, TaskFailed, TaskCancelled,
        SubtaskStateChanged {
}
