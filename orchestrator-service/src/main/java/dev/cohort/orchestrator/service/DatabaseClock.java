package dev.cohort.orchestrator.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The database's clock, for leases, heartbeats, retries and deadlines: every orchestrator replica reads the same
 * clock, so a replica whose own clock is off neither reclaims a live lease nor keeps a dead one. It follows the
 * database by an offset that each lease sweep measures again.
 */
@ApplicationScoped
public class DatabaseClock {

    static final String NOW_QUERY = "select function('clock_timestamp')";

    private volatile long offsetMillis;

    public Instant now() {
        return Instant.now().plusMillis(offsetMillis);
    }

    /** Reads the database's clock and adjusts the offset; the database's time now. */
    public Uni<Instant> refresh() {
        long before = System.currentTimeMillis();
        // HQL, planned once: a native selection would be planned again at every sweep.
        return Panache.withSession(() -> Panache.getSession().flatMap(session -> session.createSelectionQuery(NOW_QUERY, Object.class)
                        .getSingleResult()))
                .map(time -> {
                    long databaseMillis = ((OffsetDateTime) time).toInstant().toEpochMilli();
                    long after = System.currentTimeMillis();
                    offsetMillis = databaseMillis - (before + after) / 2;
                    return Instant.ofEpochMilli(databaseMillis);
                });
    }
}
