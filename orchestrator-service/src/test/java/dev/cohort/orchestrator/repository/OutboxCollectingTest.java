package dev.cohort.orchestrator.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.orchestrator.domain.OutboxRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A change's outbox rows, collected and written together when it is done (in one statement per
 * {@link OutboxRepository#ROWS_PER_INSERT} rows): all of them, in the order added; none when the change fails.
 */
@QuarkusTest
class OutboxCollectingTest {

    @Inject
    OutboxRepository outbox;

    @Test
    void aChangesRowsAreWrittenTogetherInTheOrderAddedWhenItIsDone() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        List<TaskPaused> events = events(taskId, 3);
        long whileChanging = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.collecting(() -> addAll(taskId, events).chain(() -> stored(taskId)))));

        assertEquals(0, whileChanging, "rows in the table before the change was done");
        List<OutboxRecord> rows = rows(taskId);
        assertEquals(ids(events), rows.stream().map(r -> r.eventId).toList(), "rows in the order their ids give");
        OutboxRecord first = rows.get(0);
        assertEquals(Topics.TASK_EVENTS, first.topic);
        assertEquals(taskId, first.recordKey);
        assertEquals(UUID.fromString(taskId), first.taskId);
        assertEquals(0, first.sendAttempts);
        assertTrue(first.payload.contains(events.get(0).eventId()), first.payload);
    }

    @Test
    void moreRowsThanOneStatementTakesKeepTheirOrder() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        List<TaskPaused> events = events(taskId, OutboxRepository.ROWS_PER_INSERT + 6);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.collecting(() -> addAll(taskId, events))));

        assertEquals(ids(events), rows(taskId).stream().map(r -> r.eventId).toList());
    }

    @Test
    void aChangeThatFailsWritesNoneAndTheNextChangeIsNotDisturbed() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        List<TaskPaused> failed = events(taskId, 2);
        assertThrows(IllegalStateException.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> outbox.collecting(() -> addAll(taskId, failed)
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change failed")))))));
        assertEquals(List.of(), rows(taskId));

        List<TaskPaused> next = events(taskId, 2);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.collecting(() -> addAll(taskId, next))));
        assertEquals(ids(next), rows(taskId).stream().map(r -> r.eventId).toList());
    }

    @Test
    void rowsAddedBeforeAndInsideANestedChangeKeepTheirOrder() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        List<TaskPaused> events = events(taskId, 4);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.add(Topics.TASK_EVENTS, taskId, events.get(0))
                        .chain(() -> outbox.collecting(() -> outbox.add(Topics.TASK_EVENTS, taskId, events.get(1))
                                .chain(() -> outbox.collecting(() -> addAll(taskId, events.subList(2, 4))))))));

        assertEquals(ids(events), rows(taskId).stream().map(r -> r.eventId).toList());
    }

    private Uni<Void> addAll(String taskId, List<TaskPaused> events) {
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(e -> outbox.add(Topics.TASK_EVENTS, taskId, e))
                .collect().last().replaceWithVoid();
    }

    private static List<TaskPaused> events(String taskId, int count) {
        List<TaskPaused> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new TaskPaused(taskId, "event " + i));
        }
        return events;
    }

    private static List<UUID> ids(List<TaskPaused> events) {
        return events.stream().map(e -> UUID.fromString(e.eventId())).toList();
    }

    /** Rows of the task in the table, read in the caller's transaction. */
    private Uni<Long> stored(String taskId) {
        return Panache.getSession().flatMap(session -> session.createSelectionQuery(
                        "select count(*) from OutboxRecord where taskId = :task", Long.class)
                .setParameter("task", UUID.fromString(taskId))
                .getSingleResult());
    }

    private List<OutboxRecord> rows(String taskId) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> outbox.list("taskId = ?1 order by id", UUID.fromString(taskId))));
    }
}
