package dev.cohort.dashboard.service;

import dev.cohort.dashboard.config.DashboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The most recent events of every topic, bounded in size, newest last. */
@ApplicationScoped
public class EventLog {

    private final Deque<StreamedEvent> events = new ArrayDeque<>();
    private final int capacity;

    public EventLog(DashboardConfig config) {
        this.capacity = config.recentEvents();
    }

    public synchronized void add(StreamedEvent event) {
        events.addLast(event);
        while (events.size() > capacity) {
            events.removeFirst();
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
}
