package dev.cohort.orchestrator.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Attempt;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task as the API shows it; {@code subtasks} only when one task is asked for. {@code traceId} is the task's
 * OpenTelemetry trace (its id's hex digits), which holds the spans of every service's work on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(String id, String title, String description, List<Role> roles, ApprovalMode approvalMode,
                       BigDecimal budgetUsd, String template, TaskStatus status, String statusReason, String summary,
                       long promptTokens, long completionTokens, BigDecimal costUsd, Instant createdAt,
                       Instant updatedAt, Instant finishedAt, String createdBy, String traceId,
                       List<SubtaskView> subtasks) {

    static TaskView of(Task task) {
        return of(task, null, Map.of());
    }

    static TaskView of(Task task, List<Subtask> subtasks, Map<UUID, List<Attempt>> attempts) {
        return new TaskView(task.id.toString(), task.title, task.description, task.roleList(),
                task.approvalModeValue(), task.budgetUsd, task.template, task.statusValue(), task.statusReason,
                task.summary, task.promptTokens, task.completionTokens, task.costUsd, task.createdAt, task.updatedAt,
                task.finishedAt, task.createdBy, TaskTrace.traceId(task.id.toString()),
                subtasks == null ? null : subtasks.stream()
                        .map(s -> SubtaskView.of(s, attempts.getOrDefault(s.id, List.of()))).toList());
    }
}
