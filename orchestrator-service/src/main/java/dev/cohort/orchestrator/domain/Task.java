package dev.cohort.orchestrator.domain;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.TaskStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** A task as the orchestrator stores it. */
@Entity
@Table(name = "task")
public class Task {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String description;

    /** Role ids, comma-separated; empty means the whole default team. */
    @Column(nullable = false)
    public String roles = "";

    @Column(name = "approval_mode", nullable = false)
    public String approvalMode;

    @Column(name = "budget_usd")
    public BigDecimal budgetUsd;

    public String template;

    /** The A2A context the task was submitted in, if its client named one (docs/a2a.md). */
    @Column(name = "context_id")
    public String contextId;

    /** The principal that submitted the task. */
    @Column(name = "created_by")
    public String createdBy;

    @Column(nullable = false)
    public String status;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(name = "plan_attempts", nullable = false)
    public int planAttempts;

    public String summary;

    @Column(name = "prompt_tokens", nullable = false)
    public long promptTokens;

    @Column(name = "completion_tokens", nullable = false)
    public long completionTokens;

    @Column(name = "cost_usd", nullable = false)
    public BigDecimal costUsd = BigDecimal.ZERO;

    /** Messages stored for the task; a dispatch reads them for its agent's inbox only when there are some. */
    @Column(name = "message_count", nullable = false)
    public int messageCount;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public List<Role> roleList() {
        return roles.isBlank() ? List.of() : Arrays.stream(roles.split(",")).map(Role::fromId).toList();
    }

    public void roleList(List<Role> value) {
        roles = value.stream().map(Role::id).collect(Collectors.joining(","));
    }

    public void status(TaskStatus value, String reason) {
        status = value.id();
        statusReason = reason;
        updatedAt = Instant.now();
        if (value == TaskStatus.COMPLETED || value == TaskStatus.FAILED || value == TaskStatus.CANCELLED) {
            finishedAt = updatedAt;
        }
    }

    public boolean finished() {
        TaskStatus s = statusValue();
        return s == TaskStatus.COMPLETED || s == TaskStatus.FAILED || s == TaskStatus.CANCELLED;
    }

    public TaskStatus statusValue() {
        return TaskStatus.fromId(status);
    }

    public ApprovalMode approvalModeValue() {
        return ApprovalMode.fromId(approvalMode);
    }
}
