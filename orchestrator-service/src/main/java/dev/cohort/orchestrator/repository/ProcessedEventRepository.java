package dev.cohort.orchestrator.repository;

import dev.cohort.orchestrator.domain.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class ProcessedEventRepository implements PanacheRepositoryBase<ProcessedEvent, UUID> {

    /**
     * Records that an event took effect. False when it already had: the caller must then change nothing.
     * Call inside the transaction of the change, so the mark and the change commit or roll back together.
     */
    public Uni<Boolean> markProcessed(String eventId) {
        UUID id;
        try {
            id = UUID.fromString(eventId);
        } catch (IllegalArgumentException e) {
            // Ids are UUIDs when Cohort produced them; anything else is keyed by its name.
            id = UUID.nameUUIDFromBytes(eventId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        UUID key = id;
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "INSERT INTO processed_event (event_id, processed_at) VALUES (:id, now()) ON CONFLICT DO NOTHING")
                .setParameter("id", key)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
