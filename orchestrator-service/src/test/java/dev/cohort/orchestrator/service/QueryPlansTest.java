package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.QueryStatistics;
import org.junit.jupiter.api.Test;

/**
 * The queries the orchestrator makes for every relay round, lease sweep and dispatch are planned once and then
 * taken from Hibernate's query plan cache (%test turns on Hibernate's statistics). A native selection would be planned
 * again at each execution, and every such plan kept in the cache, where finding one grows slower with each.
 */
@QuarkusTest
class QueryPlansTest {

    static final int ROUNDS = 4;

    @Inject
    Mutiny.SessionFactory factory;
    @Inject
    OutboxRepository outbox;
    @Inject
    DatabaseClock clock;
    @Inject
    ModelAdmission admission;
    @Inject
    OrchestratorConfig config;

    @Test
    void theQueriesOfARelayRoundASweepAndADispatchArePlannedOnce() throws Throwable {
        Subtask limited = new Subtask();
        limited.role = "optimizer";
        // %test: at most one attempt at a time on ollama/admission-test, so each dispatch to it is decided in the database.
        limited.requestedProvider = "ollama";
        limited.requestedModel = "admission-test";
        List<String> queries = List.of(OutboxRepository.UNPUBLISHED_QUERY,
                ModelAdmission.MODEL_QUERY, DatabaseClock.NOW_QUERY);
        round(limited);
        Map<String, Long> planned = new HashMap<>();
        queries.forEach(q -> planned.put(q, stats(q).getPlanCacheMissCount()));
        long executions = stats(ModelAdmission.MODEL_QUERY).getExecutionCount();
        for (int i = 0; i < ROUNDS; i++) {
            round(limited);
        }
        assertEquals(ROUNDS, stats(ModelAdmission.MODEL_QUERY).getExecutionCount() - executions,
                "each admission was decided in the database");
        for (String query : queries) {
            assertEquals(planned.get(query), stats(query).getPlanCacheMissCount(), "planned again: " + query);
            assertTrue(stats(query).getPlanCacheHitCount() >= ROUNDS, "not taken from the cache: " + query);
        }
    }

    /** What a relay round, a dispatch to a limited model and a lease sweep ask the database. */
    private void round(Subtask limited) throws Throwable {
        inTransaction(() -> outbox.lockUnpublished(config.outboxBatchSize()));
        ModelAdmission.Decision decision = inTransaction(() -> admission.admit(limited, false));
        assertTrue(decision instanceof ModelAdmission.Decision.Admit, "nothing runs on the model: " + decision);
        VertxContextSupport.subscribeAndAwait(clock::refresh);
    }

    private QueryStatistics stats(String query) {
        return factory.getStatistics().getQueryStatistics(query);
    }

    private static <T> T inTransaction(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
    }
}
