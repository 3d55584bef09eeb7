package dev.cohort.orchestrator.repository;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.orchestrator.domain.OutboxRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxRecord> {

    /** Adds an event to the outbox; call inside the transaction of the change the event announces. */
    public Uni<OutboxRecord> add(String topic, String key, CohortEvent event) {
        OutboxRecord record = new OutboxRecord();
        record.eventId = UUID.fromString(event.eventId());
        record.topic = topic;
        record.recordKey = key;
        record.payload = EventCodec.encode(event);
        record.createdAt = Instant.now();
        return persist(record);
    }

    /**
     * The oldest unpublished events, locked for this transaction. Rows another relay holds are skipped, so
     * several orchestrator replicas never publish the same row at the same time.
     */
    public Uni<List<OutboxRecord>> lockUnpublished(int limit) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "SELECT * FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED",
                        OutboxRecord.class)
                .setParameter("limit", limit)
                .getResultList());
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }
}
