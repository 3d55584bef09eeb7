package dev.cohort.context.repository;

import dev.cohort.context.model.ArtifactEventEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The artifact event log. Events are appended through Hibernate in the writer's transaction; the relay and the
 * SSE feed read it with the plain reactive client, because they run outside any request and hold a transaction
 * open across the Kafka round trip, which a Hibernate session bound to one Vert.x context cannot do.
 */
@ApplicationScoped
public class ArtifactEventRepository implements PanacheRepository<ArtifactEventEntity> {

    /**
     * Key of the transaction-scoped advisory lock that makes one relay at a time publish, across replicas: a relay
     * that does not get it skips its round, so one task's events reach Kafka in order.
     */
    public static final long RELAY_LOCK = 7_301_937_406_284_915L;

    /** Longest reason kept for an event set aside. */
    private static final int MAX_REASON = 2000;

    private final Pool pool;

    public ArtifactEventRepository(Pool pool) {
        this.pool = pool;
    }

    /** An event as subscribers see it. */
    public record StoredEvent(long taskSeq, String type, String key, String payload) {
    }

    /** An event waiting for Kafka. */
    public record PendingEvent(long id, String taskId, long taskSeq, String eventId, String type, String key,
                               String payload, String traceParent) {
    }

    /**
     * What a relay round did with the oldest pending events, in order: published to Kafka, or set aside because Kafka
     * can never accept them (row id to reason). The events after them wait for a later round.
     */
    public record Relayed(List<Long> published, Map<Long, String> setAside) {

        public int settled() {
            return published.size() + setAside.size();
        }
    }

    /** The task's events after a sequence number, in order. */
    public Uni<List<StoredEvent>> findAfter(String taskId, long afterSeq, int limit) {
        return pool.preparedQuery("select task_seq, event_type, artifact_key, payload from artifact_event"
                        + " where task_id = $1 and task_seq > $2 order by task_seq limit $3")
                .execute(Tuple.of(taskId, afterSeq, limit))
                .map(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    for (Row row : rows) {
                        events.add(new StoredEvent(row.getLong("task_seq"), row.getString("event_type"),
                                row.getString("artifact_key"), row.getString("payload")));
                    }
                    return events;
                });
    }

    /**
     * Hands the oldest unpublished events to {@code relay} and marks what it returns as published or set aside, all
     * in one transaction that holds the relay lock. Returns how many events were settled, or -1 when another relay
     * holds the lock. Rows are marked only after {@code relay} completed, i.e. after Kafka acknowledged them.
     */
    public Uni<Integer> relayPending(int limit, Function<List<PendingEvent>, Uni<Relayed>> relay) {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_try_advisory_xact_lock($1) as locked")
                .execute(Tuple.of(RELAY_LOCK))
                .chain(locked -> {
                    if (!locked.iterator().next().getBoolean("locked")) {
                        return Uni.createFrom().item(-1);
                    }
                    // no SKIP LOCKED: the advisory lock already excludes other relays, and skipping a row would
                    // publish the rows behind it first
                    return conn.preparedQuery("select id, task_id, task_seq, event_id, event_type, artifact_key,"
                                    + " payload, trace_parent from artifact_event where published_at is null and set_aside_at is null"
                                    + " order by id limit $1 for update")
                            .execute(Tuple.of(limit))
                            .chain(rows -> {
                                List<PendingEvent> pending = new ArrayList<>();
                                for (Row row : rows) {
                                    pending.add(new PendingEvent(row.getLong("id"), row.getString("task_id"),
                                            row.getLong("task_seq"), row.getUUID("event_id").toString(),
                                            row.getString("event_type"), row.getString("artifact_key"),
                                            row.getString("payload"), row.getString("trace_parent")));
                                }
                                if (pending.isEmpty()) {
                                    return Uni.createFrom().item(0);
                                }
                                return relay.apply(pending).call(done -> mark(conn, done))
                                        .map(Relayed::settled);
                            });
                }));
    }

    private static Uni<Void> mark(SqlConnection conn, Relayed done) {
        Uni<Void> published = done.published().isEmpty() ? Uni.createFrom().voidItem()
                : conn.preparedQuery("update artifact_event set published_at = now() where id = any($1)")
                .execute(Tuple.of(done.published().toArray(new Long[0]))).replaceWithVoid();
        if (done.setAside().isEmpty()) {
            return published;
        }
        List<Tuple> setAside = new ArrayList<>();
        done.setAside().forEach((id, reason) -> setAside.add(Tuple.of(id, reason.length() > MAX_REASON
                ? reason.substring(0, MAX_REASON) : reason)));
        return published.chain(() -> conn.preparedQuery("update artifact_event set set_aside_at = now(),"
                        + " set_aside_reason = $2 where id = $1")
                .executeBatch(setAside).replaceWithVoid());
    }

    /** How many events of a task wait for Kafka (not published, not set aside). */
    public Uni<Long> countUnpublished(String taskId) {
        return pool.preparedQuery("select count(*) as n from artifact_event where task_id = $1"
                        + " and published_at is null and set_aside_at is null")
                .execute(Tuple.of(taskId))
                .map(rows -> rows.iterator().next().getLong("n"));
    }
}
