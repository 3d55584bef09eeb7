package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes task events to the outbox; call inside the transaction of the change they announce. */
@ApplicationScoped
public class TaskEvents {

    private final OutboxRepository outbox;

    public TaskEvents(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    public Uni<Void> publish(CohortEvent event) {
        return outbox.add(Topics.TASK_EVENTS, event.taskId(), event).replaceWithVoid();
    }

    public Uni<Void> subtaskChanged(Subtask subtask, String reason) {
        return publish(new SubtaskStateChanged(subtask.taskId.toString(), subtask.id.toString(), subtask.roleValue(),
                subtask.title, subtask.statusValue(), subtask.attempt, reason));
    }
}
