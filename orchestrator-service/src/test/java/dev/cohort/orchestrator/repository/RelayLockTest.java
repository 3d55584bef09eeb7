package dev.cohort.orchestrator.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.orchestrator.domain.OutboxRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One relay publishes at a time across replicas: a relay round takes the relay lock in the query that reads its
 * batch, and a round that does not get it reads and locks no row.
 */
@QuarkusTest
class RelayLockTest {

    @Inject
    OutboxRepository outbox;

    @Inject
    Pool pool;

    @Test
    void aRoundWithoutTheRelayLockTakesNoRowAndTheRowsArePublishedOnceItIsFree() throws Throwable {
        String taskId = UUID.randomUUID().toString();
        SqlConnection other = pool.getConnection().await().indefinitely();
        Transaction tx = other.begin().await().indefinitely();
        try {
            // Another replica's relay round, holding the lock.
            other.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(OutboxRepository.RELAY_LOCK))
                    .await().indefinitely();
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                    () -> outbox.add(Topics.TASK_EVENTS, taskId, new TaskPaused(taskId, "waiting"))));

            List<OutboxRecord> taken = VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withTransaction(() -> outbox.lockUnpublished(100)));
            assertEquals(List.of(), taken, "rows taken without the relay lock");
            // Not read for update either: another transaction can still lock the row.
            int free = other.preparedQuery("select id from outbox where task_id = $1 for update skip locked")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().size();
            assertEquals(1, free);
            assertTrue(unpublished(taskId), "published while another relay held the lock");
        } finally {
            tx.rollback().await().indefinitely();
            other.close().await().indefinitely();
        }
        // This process's relay takes it from here.
        await().atMost(Duration.ofSeconds(30)).until(() -> !unpublished(taskId));
    }

    private boolean unpublished(String taskId) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                    () -> outbox.find("taskId = ?1 and publishedAt is null", UUID.fromString(taskId)).count())) == 1;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
