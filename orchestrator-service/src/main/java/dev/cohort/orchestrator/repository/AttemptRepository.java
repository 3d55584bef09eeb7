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

@ApplicationScoped
public class AttemptRepository implements PanacheRepositoryBase<Attempt, Attempt.Key> {

    static final String FINISH_UPDATE = "update Attempt set outcome = :outcome, failureKind = :kind, reason = :reason, "
            + "finishedAt = :finishedAt, promptTokens = promptTokens + :prompt, "
            + "completionTokens = completionTokens + :completion, costUsd = costUsd + :cost "
            + "where key.subtaskId = :subtask and key.attempt = :attempt";

    public Uni<Attempt> find(UUID subtaskId, int attempt) {
        return findById(new Attempt.Key(subtaskId, attempt));
    }

    /**
     * Ends an attempt with its outcome and adds the usage it reported, in one statement (no read first); an attempt
     * that has no row is left alone. Returns how many rows changed.
     */
    public Uni<Integer> finish(UUID subtaskId, int attempt, String outcome, String failureKind, String reason,
                               Instant finishedAt, long promptTokens, long completionTokens, BigDecimal costUsd) {
        return Panache.getSession().flatMap(session -> session.createMutationQuery(FINISH_UPDATE)
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
