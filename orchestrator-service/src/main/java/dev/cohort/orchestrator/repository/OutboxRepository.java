package dev.cohort.orchestrator.repository;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.orchestrator.domain.OutboxRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxRecord> {

    /** One relay at a time across all orchestrator replicas, so that each task's events leave in the order written. */
    private static final long RELAY_LOCK = 0x636f686f72744fL; // "cohortO"
    /** A relay round's queries. */
    public static final String RELAY_LOCK_QUERY = "select function('pg_try_advisory_xact_lock', :lock)";
    public static final String UNPUBLISHED_QUERY =
            "from OutboxRecord where publishedAt is null and setAsideAt is null order by id";
    public static final String PUBLISHED_UPDATE = "update OutboxRecord set publishedAt = :now where id in :ids";

    /** Rows this process has added, committed or not: whether a change wrote to the outbox at all. */
    private final AtomicLong added = new AtomicLong();

    /** Adds an event to the outbox; call inside the transaction of the change the event announces. */
    public Uni<OutboxRecord> add(String topic, String key, CohortEvent event) {
        OutboxRecord record = new OutboxRecord();
        record.eventId = UUID.fromString(event.eventId());
        record.topic = topic;
        record.recordKey = key;
        record.payload = EventCodec.encode(event);
        record.createdAt = Instant.now();
        record.taskId = uuidOrNull(event.taskId());
        record.traceParent = TaskTrace.traceparent(TaskTrace.parent(event.taskId()));
        added.incrementAndGet();
        return persist(record);
    }

    /** How many rows this process has added since it started. */
    public long added() {
        return added.get();
    }

    /**
     * Takes the relay lock for this transaction; false when another replica's relay holds it. The lock ends with the
     * transaction, also when the replica dies. In HQL, like every query a relay round makes: Hibernate plans a native
     * selection again at each execution (and keeps each plan in its cache), while an HQL query is planned once.
     */
    public Uni<Boolean> tryRelayLock() {
        return Panache.getSession().flatMap(session -> session.createSelectionQuery(RELAY_LOCK_QUERY, Boolean.class)
                .setParameter("lock", RELAY_LOCK)
                .getSingleResult());
    }

    /** The oldest events waiting to be published, in the order they were written, locked for this transaction. */
    public Uni<List<OutboxRecord>> lockUnpublished(int limit) {
        return Panache.getSession().flatMap(session -> session.createSelectionQuery(UNPUBLISHED_QUERY, OutboxRecord.class)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setMaxResults(limit)
                .getResultList());
    }

    /**
     * Marks a round's published rows in one statement that writes only the time: updating each row as an entity would
     * be a statement per row, each writing the whole row, payload included, again.
     */
    public Uni<Integer> markPublished(List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().flatMap(session -> session.createMutationQuery(PUBLISHED_UPDATE)
                .setParameter("now", now)
                .setParameter("ids", ids)
                .executeUpdate());
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null and setAsideAt is null");
    }

    /** Deletes up to {@code limit} rows published longer than {@code retention} ago; returns how many. */
    public Uni<Integer> prunePublished(Duration retention, int limit) {
        return Panache.getSession().flatMap(session -> session.createNativeMutationQuery(
                        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < :before "
                                + "ORDER BY id LIMIT :limit)")
                .setParameter("before", Instant.now().minus(retention))
                .setParameter("limit", limit)
                .executeUpdate());
    }

    private static UUID uuidOrNull(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
