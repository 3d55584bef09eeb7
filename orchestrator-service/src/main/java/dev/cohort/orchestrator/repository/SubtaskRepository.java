package dev.cohort.orchestrator.repository;

import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.common.AffectedEntities;

@ApplicationScoped
public class SubtaskRepository implements PanacheRepositoryBase<Subtask, UUID> {

    /** The order of a task's graph, for the whole graph and for a part of it alike. */
    static final Comparator<Subtask> GRAPH_ORDER = Comparator.comparing((Subtask s) -> s.createdAt)
            .thenComparing(s -> s.planKey);

    /**
     * What a lease renewal reads and changes: Hibernate writes the session's pending subtask and task changes before
     * it, as it would before the same statement in HQL.
     */
    private static final AffectedEntities LEASE_RENEWAL = new AffectedEntities(Subtask.class, Task.class);

    static final String OUTLINE_QUERY = "select s.id, s.planKey, s.kind, s.status, s.attempt, s.retryAt, s.dependsOn "
            + "from Subtask s where s.taskId = :taskId";

    /** The task's subtask with this id; null when the task has none. */
    public Uni<Subtask> ofTask(UUID taskId, UUID subtaskId) {
        return find("id = ?1 and taskId = ?2", subtaskId, taskId).firstResult();
    }

    public Uni<List<Subtask>> byTask(UUID taskId) {
        return list("taskId", taskId).map(all -> all.stream().sorted(GRAPH_ORDER).toList());
    }

    /** The outline of every subtask of the task: what a change around one subtask needs to know of the others. */
    public Uni<List<SubtaskOutline>> outline(UUID taskId) {
        return getSession().flatMap(session -> session.createSelectionQuery(OUTLINE_QUERY, Object[].class)
                        .setParameter("taskId", taskId).getResultList())
                .map(rows -> rows.stream().map(r -> new SubtaskOutline((UUID) r[0], (String) r[1],
                        SubtaskKind.fromId((String) r[2]), SubtaskStatus.fromId((String) r[3]), (Integer) r[4],
                        r[5] != null, asStrings(r[6]))).toList());
    }

    /**
     * These subtasks of the task, in the order of the task's graph. Loaded by id in one statement with the ids as one
     * array parameter: a query with an {@code in} list would be translated from HQL to SQL again at every call, since
     * Hibernate does not cache the plan of a query with a multi-valued parameter.
     */
    public Uni<List<Subtask>> ofTask(UUID taskId, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().flatMap(session -> session.find(Subtask.class, ids.toArray()))
                .map(loaded -> loaded.stream()
                        .filter(subtask -> subtask != null && taskId.equals(subtask.taskId))
                        .sorted(GRAPH_ORDER)
                        .toList());
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object list) {
        return (List<String>) list;
    }

    /** Subtasks handed to workers, counted per role and status ({@code dispatched} or {@code running}). */
    @WithSession
    public Uni<List<Object[]>> activeByRoleAndStatus() {
        return getSession().flatMap(session -> session.createSelectionQuery(
                "select s.role, s.status, count(s) from Subtask s where s.status in ('dispatched', 'running') "
                        + "group by s.role, s.status", Object[].class).getResultList());
    }

    /**
     * A heartbeat or progress report of the current attempt: a running attempt's lease is renewed to {@code expires},
     * and progress ({@code tokens}, {@code phase}; null for a heartbeat) recorded, in one statement that changes
     * nothing when the attempt is not the subtask's current one (another attempt, another lease token, not in flight)
     * or its task has ended. The number of rows changed (0 or 1).
     */
    public Uni<Integer> renewLease(UUID taskId, UUID subtaskId, int attempt, String leaseToken, Instant expires,
                                   Long tokens, String phase) {
        // Parameters only where they have a value: the database cannot type a bare null. In SQL: Hibernate plans an
        // HQL update again at each execution (it keeps no plan of one), and a native statement costs next to nothing
        // to prepare.
        String update = "update subtask s set "
                + "lease_expires_at = case when s.status = 'running' then :expires else s.lease_expires_at end"
                + (tokens != null ? ", progress_tokens = :tokens" : "")
                + (phase != null ? ", phase = :phase" : "")
                + " where s.id = :id and s.task_id = :taskId and s.attempt = :attempt "
                + "and s.status in ('dispatched', 'running') "
                + (leaseToken != null ? "and s.lease_token = :token " : "")
                + "and exists (select 1 from task t where t.id = :taskId "
                + "and t.status not in ('completed', 'failed', 'cancelled'))";
        return getSession().flatMap(session -> {
            var query = session.createNativeQuery(update, LEASE_RENEWAL)
                    .setParameter("expires", expires)
                    .setParameter("id", subtaskId)
                    .setParameter("taskId", taskId)
                    .setParameter("attempt", attempt);
            if (tokens != null) {
                query.setParameter("tokens", tokens);
            }
            if (phase != null) {
                query.setParameter("phase", phase);
            }
            if (leaseToken != null) {
                query.setParameter("token", leaseToken);
            }
            return query.executeUpdate();
        });
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
