package dev.cohort.orchestrator.repository;

import dev.cohort.orchestrator.domain.Attempt;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.common.AffectedEntities;

@ApplicationScoped
public class AttemptRepository implements PanacheRepositoryBase<Attempt, Attempt.Key> {

    /**
     * In SQL: Hibernate plans an HQL update again at each execution (it keeps no plan of one), and a native statement
     * costs next to nothing to prepare.
     */
    static final String FINISH_UPDATE = "update attempt set outcome = :outcome, failure_kind = :kind, reason = :reason, "
            + "finished_at = :finishedAt, prompt_tokens = prompt_tokens + :prompt, "
            + "completion_tokens = completion_tokens + :completion, cost_usd = cost_usd + :cost "
            + "where subtask_id = :subtask and attempt = :attempt";

    public Uni<Attempt> find(UUID subtaskId, int attempt) {
        return findById(new Attempt.Key(subtaskId, attempt));
    }

    /**
     * Ends an attempt with its outcome and adds the usage it reported, in one statement (no read first); an attempt
     * that has no row is left alone. Returns how many rows changed.
     */
    public Uni<Integer> finish(UUID subtaskId, int attempt, String outcome, String failureKind, String reason,
                               Instant finishedAt, long promptTokens, long completionTokens, BigDecimal costUsd) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(FINISH_UPDATE, new AffectedEntities(Attempt.class))
                .setParameter("outcome", outcome)
                .setParameter("kind", failureKind)
                .setParameter("reason", reason)
                .setParameter("finishedAt", finishedAt)
                .setParameter("prompt", promptTokens)
                .setParameter("completion", completionTokens)
                .setParameter("cost", costUsd)
                .setParameter("subtask", subtaskId)
                .setParameter("attempt", attempt)
                .executeUpdate());
    }

    public Uni<List<Attempt>> ofSubtasks(Collection<UUID> subtaskIds) {
        if (subtaskIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("key.subtaskId in ?1", Sort.ascending("key.subtaskId", "key.attempt"), subtaskIds);
    }
}
