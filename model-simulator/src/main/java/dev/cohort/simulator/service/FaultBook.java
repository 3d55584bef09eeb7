package dev.cohort.simulator.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The active fault rules, applied in the order they were added; the first match wins and uses up one of its times. */
public final class FaultBook {

    private final List<Entry> entries = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    /** A rule and how many more calls it applies to (null: unlimited). */
    public record Entry(FaultRule rule, Integer remaining) {
    }

    public synchronized FaultRule add(FaultRule rule) {
        FaultRule stored = rule.withId("fault-" + ids.incrementAndGet());
        entries.add(new Entry(stored, rule.times()));
        return stored;
    }

    public synchronized void clear() {
        entries.clear();
    }

    public synchronized List<Entry> list() {
        return List.copyOf(entries);
    }

    /** The first matching rule, counting this call against it; null when no rule matches. */
    public synchronized FaultRule take(String model, String role, String kind, String protocol) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.rule().matches(model, role, kind, protocol)) {
                if (entry.remaining() != null) {
                    int left = entry.remaining() - 1;
                    int index = entries.indexOf(entry);
                    if (left <= 0) {
                        it.remove();
                    } else {
                        entries.set(index, new Entry(entry.rule(), left));
                    }
                }
                return entry.rule();
            }
        }
        return null;
    }
}
