package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.domain.Attempt;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An attempt's end is one SQL update ({@link AttemptRepository#finish}). An attempt dispatched in the same transaction
 * is still only in the session when it ends (a dispatch that fails at once, say); Hibernate must write it first, or
 * the update finds no row and the attempt's end is lost.
 */
@QuarkusTest
class AttemptFinishTest {

    @Inject
    AttemptRepository attempts;
    @Inject
    TaskRepository tasks;
    @Inject
    SubtaskRepository subtasks;
    @Inject
    SubtaskFactory subtaskFactory;

    @Test
    void anAttemptThatEndsInTheTransactionThatDispatchedItIsEnded() throws Throwable {
        Task task = CompletionLoadTest.runningTask("attempt ended where it began");
        Subtask subtask = subtaskFactory.newSubtask(task, "w", Role.BACKEND, SubtaskKind.WORK, "w", "work", List.of());
        Attempt attempt = new Attempt();
        attempt.key = new Attempt.Key(subtask.id, 1);
        attempt.leaseToken = "lease";
        attempt.outcome = "running";
        attempt.dispatchedAt = Instant.now();
        Integer changed = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> tasks.persist(task).chain(() -> subtasks.persist(subtask)).chain(() -> attempts.persist(attempt))
                        .chain(() -> attempts.finish(subtask.id, 1, "failed", "transient", "the model went away",
                                Instant.now(), 5, 7, new BigDecimal("0.25")))));
        assertEquals(1, changed, "the update found the attempt");
        Attempt stored = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> attempts.find(subtask.id, 1)));
        assertEquals("failed", stored.outcome);
        assertEquals("the model went away", stored.reason);
        assertEquals(5, stored.promptTokens);
        assertEquals(0, new BigDecimal("0.25").compareTo(stored.costUsd));
    }
}
