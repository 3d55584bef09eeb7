package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A Kafka record's change takes effect once: {@link TaskGraphs} records its event as applied in the change's
 * transaction, so a redelivered record changes nothing, and a change that fails records nothing.
 */
@QuarkusTest
class AppliedOnceTest {

    @Inject
    TaskGraphs graphs;

    @Inject
    TaskRepository tasks;

    @Test
    void anEventTakesEffectOnceAndAnotherEventOfTheTaskStill() throws Throwable {
        Task task = persisted();
        String event = UUID.randomUUID().toString();
        List<String> applied = new CopyOnWriteArrayList<>();

        change(task.id, event, applied, "first delivery");
        change(task.id, event, applied, "redelivery");
        change(task.id, UUID.randomUUID().toString(), applied, "another event");
        change(task.id, null, applied, "a change not recorded");
        change(task.id, null, applied, "the same, again");

        assertEquals(List.of("first delivery", "another event", "a change not recorded", "the same, again"), applied);
    }

    @Test
    void anEventWhoseChangeFailedIsAppliedWhenDeliveredAgain() throws Throwable {
        Task task = persisted();
        String event = UUID.randomUUID().toString();
        List<String> applied = new CopyOnWriteArrayList<>();

        assertThrows(IllegalStateException.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> graphs.withRecordGraph(task.id, event,
                        graph -> Uni.createFrom().failure(new IllegalStateException("the change failed"))))));
        change(task.id, event, applied, "delivered again");

        assertEquals(List.of("delivered again"), applied);
    }

    @Test
    void theChangeHoldsTheTasksLock() throws Throwable {
        Task task = persisted();
        List<String> applied = new CopyOnWriteArrayList<>();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> graphs.withRecordSubtask(task.id,
                UUID.randomUUID().toString(), UUID.randomUUID(), graph -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery("SELECT count(*) FROM pg_locks l JOIN "
                                        + "pg_class c ON l.relation = c.oid WHERE c.relname = 'task' "
                                        + "AND l.mode = 'RowShareLock' AND l.pid = pg_backend_pid()", Long.class)
                                .getSingleResult())
                        .invoke(locks -> applied.add("row-share locks on task: " + locks))
                        .replaceWithVoid())));

        assertEquals(List.of("row-share locks on task: 1"), applied, "SELECT … FOR UPDATE takes a RowShareLock");
    }

    @Test
    void aRecordOfATaskThatDoesNotExistFailsAndRecordsNothing() throws Throwable {
        UUID unknown = UUID.randomUUID();
        String event = UUID.randomUUID().toString();
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                        () -> graphs.withRecordGraph(unknown, event, graph -> Uni.createFrom().voidItem()))));
        assertTrue(failure.getMessage().contains("there is no task " + unknown), failure.getMessage());

        // Nothing was recorded: once the task exists, the same event takes effect.
        Task task = CompletionLoadTest.runningTask("applied once");
        task.id = unknown;
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> tasks.persist(task)));
        List<String> applied = new CopyOnWriteArrayList<>();
        change(unknown, event, applied, "after the task exists");
        assertEquals(List.of("after the task exists"), applied);
    }

    private void change(UUID taskId, String eventId, List<String> applied, String name) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> graphs.withRecordGraph(taskId,
                eventId, graph -> {
                    assertEquals(taskId, graph.task().id);
                    applied.add(name);
                    return Uni.createFrom().voidItem();
                })));
    }

    private Task persisted() throws Throwable {
        Task task = CompletionLoadTest.runningTask("applied once");
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> tasks.persist(task)));
        return task;
    }
}
