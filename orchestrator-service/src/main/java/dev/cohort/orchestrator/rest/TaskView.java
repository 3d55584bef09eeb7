package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Task;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A task as the API shows it. */
public record TaskView(String id, String title, String description, List<Role> roles, ApprovalMode approvalMode,
                       BigDecimal budgetUsd, String template, TaskStatus status, String statusReason,
                       Instant createdAt, Instant updatedAt) {

    static TaskView of(Task task) {
        return new TaskView(task.id.toString(), task.title, task.description, task.roleList(),
                task.approvalModeValue(), task.budgetUsd, task.template, task.statusValue(), task.statusReason,
                task.createdAt, task.updatedAt);
    }
}
