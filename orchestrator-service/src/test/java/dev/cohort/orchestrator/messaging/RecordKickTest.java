package dev.cohort.orchestrator.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.orchestrator.domain.OutboxRecord;
import dev.cohort.orchestrator.repository.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/**
 * A record whose change wrote nothing to the outbox (the most frequent agent events, heartbeats and progress) costs
 * no relay round; one whose change did is published at once, without waiting for the relay's timer, and a round marks
 * what it published without writing the rows again. Hibernate's statistics (on in %test) count the rounds by their lock query.
 */
@QuarkusTest
class RecordKickTest {

    static final int RECORDS = 40;
    static final int ROWS = 5;

    @Inject
    RecordApplier records;
    @Inject
    OutboxRepository outbox;
    @Inject
    Mutiny.SessionFactory factory;

    @Test
    void onlyARecordWhoseChangeWroteToTheOutboxStartsARelayRound() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        TaskPaused written = new TaskPaused(taskId, "record kick test");
        apply(taskId, () -> Panache.withTransaction(() -> outbox.add(Topics.TASK_EVENTS, taskId, written)));
        await().atMost(Duration.ofSeconds(30)).until(() -> published(written.eventId()));

        long before = rounds();
        for (int i = 0; i < RECORDS; i++) {
            apply(taskId, () -> Uni.createFrom().voidItem());
            Thread.sleep(5);
        }
        long rounds = rounds() - before;
        // The timer's rounds (every 200 ms in %test, as by default) go on; the records add none.
        assertTrue(rounds <= 3, "relay rounds during " + RECORDS + " records that wrote nothing: " + rounds);
    }

    @Test
    void aRoundMarksItsRowsPublishedWithoutWritingThemAgain() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        long updatesBefore = rowUpdates();
        List<TaskPaused> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new TaskPaused(taskId, "row " + i));
        }
        apply(taskId, () -> Panache.withTransaction(() -> Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> outbox.add(Topics.TASK_EVENTS, taskId, row))
                .collect().last()).replaceWithVoid());
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.stream().allMatch(r -> published(r.eventId())));

        // Marked by one bulk update, which the entity statistics do not count; each row updated as an entity would be.
        assertEquals(0, rowUpdates() - updatesBefore, "outbox rows written again, each in a statement of its own");
    }

    private void apply(String taskId, java.util.function.Supplier<Uni<Void>> change) throws Throwable {
        String heartbeat = EventCodec.encode(new AgentHeartbeat(taskId, UUID.randomUUID().toString(), 1,
                UUID.randomUUID().toString(), "agent-1"));
        VertxContextSupport.subscribeAndAwait(() -> records.apply(Message.of(heartbeat), AgentEvent.class,
                event -> change.get()));
    }

    private boolean published(String eventId) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                    () -> outbox.find("eventId", UUID.fromString(eventId)).firstResult())).publishedAt != null;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private long rowUpdates() {
        return factory.getStatistics().getEntityStatistics(OutboxRecord.class.getName()).getUpdateCount();
    }

    private long rounds() {
        return factory.getStatistics().getQueryStatistics(OutboxRepository.UNPUBLISHED_QUERY).getExecutionCount();
    }
}
