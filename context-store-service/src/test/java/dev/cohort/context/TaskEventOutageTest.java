package dev.cohort.context;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedPostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Task events that arrive while the database is away wait for it, in order, instead of being dead-lettered, and the
 * process stays alive meanwhile. Runs late, before ReadinessTest: it stops the shared database for a while.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE - 1)
class TaskEventOutageTest extends ContextStoreTestBase {

    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(90);
    /** Longer than several back-off steps, so that the record is retried more than once. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @Test
    void taskEventsWaitForTheDatabaseAndAreAppliedInOrderOnceItIsBack() throws Exception {
        Optional<EmbeddedPostgresServer> postgres = CohortInfra.embeddedPostgres();
        Assumptions.assumeTrue(postgres.isPresent(), "PostgreSQL is external (COHORT_TEST_POSTGRES_URL); it cannot be stopped here");
        String task = newTaskId();
        postgres.get().stop();
        try {
            send(new SubtaskStateChanged(task, "s-wait", Role.BACKEND, "API", SubtaskStatus.DISPATCHED, 2, null));
            send(new SubtaskStateChanged(task, "s-wait", Role.BACKEND, "API", SubtaskStatus.CANCELLED, 2, null));
            Thread.sleep(OUTAGE.toMillis());
            // one record waiting for the database is no reason to restart the process
            assertEquals("UP", given().get("/q/health/live").then().extract().jsonPath().getString("status"));
        } finally {
            postgres.get().start();
        }

        // both applied, in order: raised to attempt 2, then closed
        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(250)).until(() -> "cancelled".equals(closedAs(task)));
        assertEquals(2, attempt(task));
        Api.publish(task, Api.publishBody("late.txt", "late", null, "s-wait", 2)).statusCode(409);
    }

    private String closedAs(String task) {
        try {
            RowIterator<Row> rows = pool.preparedQuery("select closed_as from subtask_fence where task_id = $1")
                    .execute(Tuple.of(task)).await().atMost(Duration.ofSeconds(5)).iterator();
            return rows.hasNext() ? rows.next().getString("closed_as") : null;
        } catch (RuntimeException e) {
            // the database is still starting
            return null;
        }
    }

    private int attempt(String task) {
        return pool.preparedQuery("select attempt from subtask_fence where task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getInteger("attempt");
    }
}
