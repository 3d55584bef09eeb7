package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskSubmitted;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import dev.cohort.orchestrator.telemetry.TaskSpans;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Task state changes. Each one writes its event to the outbox in the same transaction. */
@ApplicationScoped
public class TaskService {

    private final TaskRepository tasks;
    private final OutboxRepository outbox;
    private final OrchestrationService orchestration;
    private final TaskSpans spans;

    public TaskService(TaskRepository tasks, OutboxRepository outbox, OrchestrationService orchestration,
                       TaskSpans spans) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.orchestration = orchestration;
        this.spans = spans;
    }

    @WithTransaction
    public Uni<Task> submit(TaskSubmission submission, String createdBy) {
        return submit(submission, createdBy, null);
    }

    /** Submits a task that belongs to a client's A2A context ({@code contextId}, or none). */
    @WithTransaction
    public Uni<Task> submit(TaskSubmission submission, String createdBy, String contextId) {
        Task task = new Task();
        task.contextId = contextId;
        task.createdBy = createdBy;
        task.id = UUID.randomUUID();
        spans.submitted(task.id, createdBy);
        task.title = submission.title();
        task.description = submission.description();
        task.roleList(submission.roles());
        task.approvalMode = submission.approvalMode().id();
        task.budgetUsd = submission.budgetUsd();
        task.template = submission.template();
        task.status = TaskStatus.SUBMITTED.id();
        task.createdAt = Instant.now();
        task.updatedAt = task.createdAt;
        TaskSubmitted event = new TaskSubmitted(task.id.toString(), task.title, task.description,
                submission.roles(), submission.approvalMode(), task.budgetUsd, task.template);
        return tasks.persist(task)
                .call(() -> outbox.add(Topics.TASK_EVENTS, task.id.toString(), event))
                .call(() -> orchestration.startPlanning(task));
    }
}
