package dev.cohort.dashboard.service;

import dev.cohort.dashboard.config.DashboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The most recent events of every topic, bounded in size, in the order this instance read them. It remembers how
 * far it has evicted each partition, so it can tell whether it still holds everything after a stream position.
 */
@ApplicationScoped
public class EventLog {

    private final Deque<StreamedEvent> events = new ArrayDeque<>();
    /** Per partition: the offset after the newest record evicted; positions before it must be read from Kafka. */
    private final Map<String, Long> evictedBefore = new HashMap<>();
    private final int capacity;

    @Inject
    public EventLog(DashboardConfig config) {
        this(config.recentEvents());
    }

    public EventLog(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(StreamedEvent event) {
        events.addLast(event);
        while (events.size() > capacity) {
            StreamedEvent old = events.removeFirst();
            evictedBefore.put(StreamCursor.key(old.topic(), old.partition()), old.offset() + 1);
        }
    }

    /** The newest {@code limit} events, optionally of one task, oldest first. */
    public synchronized List<StreamedEvent> recent(String taskId, int limit) {
        List<StreamedEvent> result = new ArrayList<>();
        var it = events.descendingIterator();
        while (it.hasNext() && result.size() < limit) {
            StreamedEvent e = it.next();
            if (taskId == null || taskId.equals(e.taskId())) {
                result.add(0, e);
            }
        }
        return result;
    }

    /**
     * Every held event not yet behind {@code after}, optionally of one task, in reading order; empty when some of
     * them were already evicted, so the caller must read Kafka instead.
     */
    public synchronized Optional<List<StreamedEvent>> after(StreamCursor after, String taskId) {
        for (Map.Entry<String, Long> evicted : evictedBefore.entrySet()) {
            if (after.positions().getOrDefault(evicted.getKey(), 0L) < evicted.getValue()) {
                return Optional.empty();
            }
        }
        List<StreamedEvent> result = new ArrayList<>();
        for (StreamedEvent e : events) {
            if ((taskId == null || taskId.equals(e.taskId())) && !after.delivered(e.topic(), e.partition(), e.offset())) {
                result.add(e);
            }
        }
        return Optional.of(result);
    }
}
