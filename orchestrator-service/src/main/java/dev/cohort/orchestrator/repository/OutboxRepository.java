package dev.cohort.orchestrator.repository;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.orchestrator.domain.OutboxRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.hibernate.reactive.common.AffectedEntities;

@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxRecord> {

    /** One relay at a time across all orchestrator replicas, so that each task's events leave in the order written. */
    public static final long RELAY_LOCK = 0x636f686f72744fL; // "cohortO"
    /**
     * A relay round's query: the relay lock and the batch in one round trip. The lock is an uncorrelated subquery,
     * which PostgreSQL evaluates once, before the rows: without the lock no row is read or locked. The lock's number
     * is in the text: as a parameter it would be a function's last argument, which Hibernate lets a list be bound to,
     * and a query with such a parameter is planned again at each execution.
     */
    public static final String UNPUBLISHED_QUERY = "from OutboxRecord where "
            + "(select function('pg_try_advisory_xact_lock', " + RELAY_LOCK + "L)) = true "
            + "and publishedAt is null and setAsideAt is null order by id";
    /**
     * A round's rows marked published, in SQL: Hibernate plans an HQL update or insert again at each execution (it
     * keeps no plan of one), and a native statement costs next to nothing to prepare. The ids go as one array.
     */
    public static final String PUBLISHED_UPDATE = "update outbox set published_at = :now where id = any(:ids)";

    /** What the outbox's SQL statements change: Hibernate writes the session's pending outbox rows before them. */
    private static final AffectedEntities OUTBOX = new AffectedEntities(OutboxRecord.class);

    /** The most rows one insert writes: 7 parameters each, far below PostgreSQL's 65,535. */
    static final int ROWS_PER_INSERT = 64;
    /** Where the rows of a change being collected wait, on the Vert.x context of its transaction. */
    private static final String COLLECTED = OutboxRepository.class.getName() + ".collected";

    /** Rows this process has added, committed or not: whether a change wrote to the outbox at all. */
    private final AtomicLong added = new AtomicLong();

    /**
     * Adds an event to the outbox; call inside the transaction of the change the event announces. Inside
     * {@link #collecting} the row is written with the change's other rows when the change is done; otherwise at once.
     */
    public Uni<Void> add(String topic, String key, CohortEvent event) {
        OutboxRecord record = new OutboxRecord();
        record.eventId = UUID.fromString(event.eventId());
        record.topic = topic;
        record.recordKey = key;
        record.payload = EventCodec.encode(event);
        record.createdAt = Instant.now();
        record.taskId = uuidOrNull(event.taskId());
        record.traceParent = TaskTrace.traceparent(TaskTrace.parent(event.taskId()));
        added.incrementAndGet();
        List<OutboxRecord> collected = collected();
        if (collected != null) {
            collected.add(record);
            return Uni.createFrom().voidItem();
        }
        return persist(record).replaceWithVoid();
    }

    /**
     * Runs a change, inside its transaction, with the outbox rows it adds written together at its end: one statement
     * for a completion's state changes and the dispatches it makes, instead of one (and a round trip) per row. The
     * rows get their ids in the order they were added, so the relay still publishes them in that order. A change
     * that fails writes none. Nested, the outermost change writes them.
     */
    public <T> Uni<T> collecting(Supplier<Uni<T>> change) {
        return Uni.createFrom().deferred(() -> {
            if (!VertxContext.isOnDuplicatedContext() || collected() != null) {
                return change.get();
            }
            List<OutboxRecord> rows = new ArrayList<>();
            ContextLocals.put(COLLECTED, rows);
            return change.get()
                    .call(() -> insert(rows))
                    .onTermination().invoke(() -> ContextLocals.remove(COLLECTED));
        });
    }

    private static List<OutboxRecord> collected() {
        return VertxContext.isOnDuplicatedContext()
                ? ContextLocals.<List<OutboxRecord>>get(COLLECTED).orElse(null) : null;
    }

    /** Writes the rows in the order given, up to {@link #ROWS_PER_INSERT} per statement. */
    private Uni<Void> insert(List<OutboxRecord> rows) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<OutboxRecord> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            chain = chain.call(() -> Panache.getSession().flatMap(session -> {
                var insert = session.createNativeQuery(insertStatement(chunk.size()), OUTBOX);
                for (int i = 0; i < chunk.size(); i++) {
                    OutboxRecord row = chunk.get(i);
                    insert.setParameter("e" + i, row.eventId)
                            .setParameter("t" + i, row.topic)
                            .setParameter("k" + i, row.recordKey)
                            .setParameter("p" + i, row.payload)
                            .setParameter("c" + i, row.createdAt)
                            .setParameter("task" + i, row.taskId)
                            .setParameter("tp" + i, row.traceParent);
                }
                return insert.executeUpdate();
            }));
        }
        return chain;
    }

    /**
     * An insert of {@code rows} rows; the database numbers them in the order of the values. In SQL, like
     * {@link #PUBLISHED_UPDATE}, since an HQL insert is planned again at each execution.
     */
    static String insertStatement(int rows) {
        StringBuilder sql = new StringBuilder("insert into outbox (event_id, topic, record_key, payload, created_at, "
                + "task_id, trace_parent, send_attempts) values ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(:e").append(i).append(", :t").append(i).append(", :k").append(i)
                    .append(", :p").append(i).append(", :c").append(i).append(", :task").append(i).append(", :tp")
                    .append(i).append(", 0)");
        }
        return sql.toString();
    }

    /** How many rows this process has added since it started. */
    public long added() {
        return added.get();
    }

    /**
     * Takes the relay lock for this transaction and the oldest events waiting to be published, in the order they were
     * written, locked for this transaction; none when another replica's relay holds the lock, so replicas never
     * publish out of order. The lock ends with the transaction, also when the replica dies. In HQL, like every query
     * a relay round makes: Hibernate plans a native selection again at each execution (and keeps each plan in its
     * cache), while an HQL query is planned once.
     */
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
        Long[] marked = ids.toArray(new Long[0]);
        return Panache.getSession().flatMap(session -> session.createNativeQuery(PUBLISHED_UPDATE, OUTBOX)
                .setParameter("now", now)
                .setParameter("ids", marked)
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
