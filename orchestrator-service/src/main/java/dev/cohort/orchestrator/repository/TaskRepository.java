package dev.cohort.orchestrator.repository;

import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Task;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    /** The task, locked until the end of the transaction: every change to a task's graph goes through this. */
    public Uni<Task> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** How many of a principal's tasks have not ended (submitted, planning, awaiting approval, running, paused). */
    public Uni<Long> unfinishedBy(String createdBy) {
        return count("createdBy = ?1 and status not in ?2", createdBy, List.of(TaskStatus.COMPLETED.id(),
                TaskStatus.FAILED.id(), TaskStatus.CANCELLED.id()));
    }

    /** Newest first, optionally only tasks in one status. */
    public Uni<List<Task>> page(String status, int page, int size) {
        Sort newestFirst = Sort.descending("createdAt");
        var query = status == null ? findAll(newestFirst) : find("status", newestFirst, status);
        return query.page(Page.of(page, size)).list();
    }

    /** Tasks counted per status: rows of (status, count). */
    public Uni<List<Object[]>> countByStatus() {
        return getSession().flatMap(session -> session.createSelectionQuery(
                "select t.status, count(t) from Task t group by t.status", Object[].class).getResultList());
    }
}
