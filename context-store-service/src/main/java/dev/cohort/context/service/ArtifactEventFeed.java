package dev.cohort.context.service;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.context.repository.ArtifactEventRepository.StoredEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A task's artifact events after a given sequence number, read from the database as they commit. Because the ids
 * are the durable per-task sequence, a subscriber can resume on any replica, after any restart.
 */
@ApplicationScoped
public class ArtifactEventFeed {

    private static final int PAGE = 500;

    private final ArtifactEventRepository events;
    private final ContextStoreConfig config;

    public ArtifactEventFeed(ArtifactEventRepository events, ContextStoreConfig config) {
        this.events = events;
        this.config = config;
    }

    public Multi<StoredEvent> follow(String taskId, String lastEventId, String keyGlob) {
        long after = parseLastEventId(lastEventId);
        Predicate<String> keys = KeyPattern.of(keyGlob);
        AtomicLong cursor = new AtomicLong(after);
        return Multi.createBy().repeating()
                .uni(() -> events.findAfter(taskId, cursor.get(), PAGE).invoke(page -> {
                    if (!page.isEmpty()) {
                        cursor.set(page.get(page.size() - 1).taskSeq());
                    }
                }))
                .withDelay(config.subscribePollInterval())
                .indefinitely()
                .onItem().<StoredEvent>disjoint()
                .select().where(e -> keys.test(e.key()));
    }

    private static long parseLastEventId(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        try {
            long id = Long.parseLong(lastEventId.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ContextStoreException.invalid("invalid-last-event-id",
                "Last-Event-ID '" + lastEventId + "' is not an event id of this stream (a number, 0 or more)");
    }
}
