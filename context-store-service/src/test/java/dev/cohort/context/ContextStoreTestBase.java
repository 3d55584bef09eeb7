package dev.cohort.context;

import static org.awaitility.Awaitility.await;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Fence;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.testsupport.KafkaTestResource;
import dev.cohort.testsupport.PostgresTestResource;
import dev.cohort.testsupport.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Every {@code @QuarkusTest} of this module extends this class, so all of them have the same test resources and
 * share one application start (resources with scope MATCHING_RESOURCES are compared across the class hierarchy).
 * Each test uses its own task ids, so tests do not see each other's data. Requests carry an admin's token unless a
 * test sends another ({@code AuthenticatedRestAssured}); agent writes go through {@link #dispatch}.
 */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES,
        initArgs = @ResourceArg(name = "database", value = "cohort_context_test"))
public abstract class ContextStoreTestBase {

    protected static final Duration WAIT = Duration.ofSeconds(30);

    private static KafkaProducer<String, String> producer;

    @Inject
    protected Pool pool;

    protected static String newTaskId() {
        return "task-" + UUID.randomUUID();
    }

    /**
     * Announces attempt {@code attempt} of a subtask as dispatched to worker {@link Api#WORKER}, as the orchestrator
     * does (the hash of its lease token and the keys it may write), and waits until the store holds the fence.
     */
    protected Lease dispatch(String task, String subtaskId, int attempt, String... writes) throws Exception {
        return dispatch(task, subtaskId, attempt, Api.leaseToken(subtaskId, attempt), List.of(writes));
    }

    /** {@link #dispatch(String, String, int, String...)} with a given lease token. */
    protected Lease dispatch(String task, String subtaskId, int attempt, String leaseToken, List<String> writes)
            throws Exception {
        send(new SubtaskStateChanged(task, subtaskId, Role.BACKEND, "Work", SubtaskStatus.DISPATCHED, attempt, null,
                Fence.hash(leaseToken), writes));
        awaitFence(task, subtaskId, attempt);
        return new Lease(task, subtaskId, attempt, leaseToken, Api.WORKER);
    }

    /** Publishes a task event as the orchestrator does: keyed by task, so one task's events stay in order. */
    protected static void send(SubtaskStateChanged event) throws Exception {
        producer().send(new ProducerRecord<>(Topics.TASK_EVENTS, event.taskId(), EventCodec.encode(event))).get();
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = TopicWriter.producer();
        }
        return producer;
    }

    protected void awaitFence(String task, String subtaskId, int attempt) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> fence(task, subtaskId) == attempt);
    }

    protected void awaitClosed(String task, String subtaskId, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> status.equals(closedAs(task, subtaskId)));
    }

    /** The subtask's fence as stored; 0 when there is none. */
    protected int fence(String task, String subtaskId) {
        RowIterator<Row> rows = pool.preparedQuery("select attempt from subtask_fence where task_id = $1 and subtask_id = $2")
                .execute(Tuple.of(task, subtaskId)).await().indefinitely().iterator();
        return rows.hasNext() ? rows.next().getInteger("attempt") : 0;
    }

    /** The status that ended the fence's attempt; null while it may write, or when there is no fence. */
    protected String closedAs(String task, String subtaskId) {
        RowIterator<Row> rows = pool.preparedQuery("select closed_as from subtask_fence where task_id = $1 and subtask_id = $2")
                .execute(Tuple.of(task, subtaskId)).await().indefinitely().iterator();
        return rows.hasNext() ? rows.next().getString("closed_as") : null;
    }

    protected long eventRows(String task) {
        return pool.preparedQuery("select count(*) as n from artifact_event where task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n");
    }
}
