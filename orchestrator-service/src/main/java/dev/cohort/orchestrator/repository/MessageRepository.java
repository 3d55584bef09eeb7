package dev.cohort.orchestrator.repository;

import dev.cohort.orchestrator.domain.MessageRecord;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageRecord, UUID> {

    public Uni<List<MessageRecord>> byTask(UUID taskId) {
        return list("taskId", Sort.ascending("createdAt"), taskId);
    }

    /** Messages sent from or about one subtask; bounds how much an agent may say. */
    public Uni<Long> countFromSubtask(UUID subtaskId) {
        return count("subtaskId = ?1 and fromType = 'agent'", subtaskId);
    }
}
