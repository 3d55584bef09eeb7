package dev.cohort.orchestrator.repository;

import dev.cohort.orchestrator.domain.Subtask;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class SubtaskRepository implements PanacheRepositoryBase<Subtask, UUID> {

    public Uni<List<Subtask>> byTask(UUID taskId) {
        return list("taskId", Sort.ascending("createdAt", "planKey"), taskId);
    }

    /** Subtasks handed to workers, counted per role and status ({@code dispatched} or {@code running}). */
    @WithSession
    public Uni<List<Object[]>> activeByRoleAndStatus() {
        return getSession().flatMap(session -> session.createSelectionQuery(
                "select s.role, s.status, count(s) from Subtask s where s.status in ('dispatched', 'running') "
                        + "group by s.role, s.status", Object[].class).getResultList());
    }

    /** Tasks with an attempt whose lease, or deadline to start, ran out before {@code before}. */
    public Uni<List<UUID>> tasksWithExpiredLeases(Instant before, int limit) {
        return find("select distinct s.taskId from Subtask s where s.status in ('dispatched', 'running') "
                + "and s.leaseExpiresAt < :before", Parameters.with("before", before))
                .project(UUID.class).page(0, limit).list();
    }

    /** Tasks with a retry whose back-off has passed. */
    public Uni<List<UUID>> tasksWithDueRetries(Instant now, int limit) {
        return find("select distinct s.taskId from Subtask s where s.status = 'pending' and s.retryAt <= :now",
                Parameters.with("now", now))
                .project(UUID.class).page(0, limit).list();
    }
}
