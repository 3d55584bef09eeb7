package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Fence;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Announces a subtask's new state. A dispatched attempt's event carries its fence for the context store: the hash
     * of its lease token and the keys it may write.
     */
    public Uni<Void> subtaskChanged(Subtask subtask, String reason) {
        boolean dispatched = subtask.statusValue() == SubtaskStatus.DISPATCHED && subtask.leaseToken != null;
        return publish(new SubtaskStateChanged(subtask.taskId.toString(), subtask.id.toString(), subtask.roleValue(),
                subtask.title, subtask.statusValue(), subtask.attempt, reason,
                dispatched ? Fence.hash(subtask.leaseToken) : null,
                dispatched ? writable(subtask) : null));
    }

    /** The keys an attempt of the subtask may write: its declared keys, a merge's artifact, a plan's or summary's. */
    static List<String> writable(Subtask subtask) {
        List<String> declared = new ArrayList<>(subtask.writeKeys());
        if (subtask.artifactKey != null && !declared.contains(subtask.artifactKey)) {
            declared.add(subtask.artifactKey);
        }
        return Fence.writable(subtask.kindValue(), declared);
    }
}
