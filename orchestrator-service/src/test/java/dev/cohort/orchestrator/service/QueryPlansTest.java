package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.OutboxRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.QueryStatistics;
import org.junit.jupiter.api.Test;

/**
 * The queries the orchestrator makes for every relay round, lease sweep and dispatch are planned once and then
 * taken from Hibernate's query plan cache (%test turns on Hibernate's statistics). A native selection would be planned
 * again at each execution, and every such plan kept in the cache, where finding one grows slower with each. So would
 * an HQL query with a parameter that a list may be bound to: one in an {@code in} list, or anywhere in the last
 * argument of a function. Such a query still finds its parsed HQL in the cache (one hit per execution), but not its
 * plan: a query planned once has two hits per execution. HQL updates and inserts are never kept as plans; the ones
 * made for every change, completion, heartbeat and relay round are SQL, which must not add a plan at each execution
 * either.
 */
@QuarkusTest
class QueryPlansTest {

    static final int ROUNDS = 8;

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
    @Inject
    AttemptRepository attempts;
    @Inject
    SubtaskRepository subtasks;

    @Test
    void theQueriesOfARelayRoundASweepAndADispatchArePlannedOnce() throws Throwable {
        Subtask limited = new Subtask();
        limited.role = "optimizer";
        // %test: at most one attempt at a time on ollama/admission-test, so each dispatch to it is decided in the database.
        limited.requestedProvider = "ollama";
        limited.requestedModel = "admission-test";
        String modelQuery = ModelAdmission.modelQuery("cohort-admission:ollama/admission-test");
        List<String> queries = List.of(OutboxRepository.UNPUBLISHED_QUERY, modelQuery, DatabaseClock.NOW_QUERY);
        round(limited);
        Map<String, Long> planned = new HashMap<>();
        Map<String, Long> hits = new HashMap<>();
        Map<String, Long> runs = new HashMap<>();
        queries.forEach(q -> {
            planned.put(q, stats(q).getPlanCacheMissCount());
            hits.put(q, stats(q).getPlanCacheHitCount());
            runs.put(q, stats(q).getExecutionCount());
        });
        long cached = factory.getStatistics().getQueryPlanCacheMissCount();
        for (int i = 0; i < ROUNDS; i++) {
            round(limited);
        }
        assertEquals(cached, factory.getStatistics().getQueryPlanCacheMissCount(),
                "no query of a round, native or HQL, was planned again");
        assertEquals(ROUNDS, stats(modelQuery).getExecutionCount() - runs.get(modelQuery),
                "each admission was decided in the database");
        for (String query : queries) {
            assertEquals(planned.get(query), stats(query).getPlanCacheMissCount(), "planned again: " + query);
            long executed = stats(query).getExecutionCount() - runs.get(query);
            long found = stats(query).getPlanCacheHitCount() - hits.get(query);
            assertTrue(executed >= ROUNDS, executed + " executions of " + query);
            // The relay and the sweep also run on their timers: one of their executions may have begun before the
            // first figures were read, or end after the last, which moves the two counts apart by up to 2.
            assertTrue(Math.abs(found - 2 * executed) <= 2, "the HQL and the plan taken from the cache at each "
                    + "execution: " + found + " hits for " + executed + " executions of " + query);
        }
    }

    /**
     * What a change (its events written to the outbox, an attempt ended), a heartbeat, a relay round, a dispatch to a
     * limited model and a lease sweep ask the database.
     */
    private void round(Subtask limited) throws Throwable {
        String taskId = UUID.randomUUID().toString();
        inTransaction(() -> outbox.collecting(() -> outbox.add(Topics.TASK_EVENTS, taskId, new TaskPaused(taskId, "a"))
                        .chain(() -> outbox.add(Topics.TASK_EVENTS, taskId, new TaskPaused(taskId, "b"))))
                .chain(() -> attempts.finish(UUID.randomUUID(), 1, "done", null, null, Instant.now(), 1, 2,
                        BigDecimal.ZERO))
                .chain(() -> subtasks.renewLease(UUID.fromString(taskId), UUID.randomUUID(), 1, "token",
                        Instant.now(), 10L, "writing")));
        inTransaction(() -> outbox.lockUnpublished(config.outboxBatchSize())
                .chain(() -> outbox.markPublished(List.of(-2L, -1L), Instant.now())));
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
