package dev.cohort.dashboard.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the dashboard's stream across every partition of every event topic: for each partition, the
 * offset of the next record not yet delivered. Kafka offsets are durable and the same for every reader, so a
 * cursor written by one dashboard instance means exactly the same set of delivered events on any other, and
 * after a restart. Partitions a cursor does not name are read from their beginning.
 *
 * <p>Text form (the SSE event id): {@code task-events:0:15,agent-events:0:230}, topics without the
 * {@code cohort.} prefix. Not thread-safe: each stream owns its own.
 */
public final class StreamCursor {

    static final String TOPIC_PREFIX = "cohort.";
    private static final Pattern ENTRY = Pattern.compile("([a-z0-9][a-z0-9.-]*):(\\d{1,9}):(\\d{1,19})");

    private final TreeMap<String, Long> next = new TreeMap<>();

    public StreamCursor() {
    }

    public StreamCursor(Map<String, Long> positions) {
        next.putAll(positions);
    }

    /** Key of a partition in {@link #positions()}: {@code topic:partition}. */
    public static String key(String topic, int partition) {
        return topic + ":" + partition;
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException saying what is wrong when the text is not a cursor
     */
    public static StreamCursor parse(String text) {
        StreamCursor cursor = new StreamCursor();
        if (text == null || text.isBlank()) {
            return cursor;
        }
        for (String part : text.strip().split(",")) {
            Matcher m = ENTRY.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part + "' is not a stream position; expected "
                        + "topic:partition:offset entries separated by commas, as sent in the event ids");
            }
            cursor.next.put(key(TOPIC_PREFIX + m.group(1), Integer.parseInt(m.group(2))), Long.parseLong(m.group(3)));
        }
        return cursor;
    }

    /** True when the record at this position was not delivered yet; then the cursor moves past it. */
    public boolean advance(String topic, int partition, long offset) {
        String key = key(topic, partition);
        long current = next.getOrDefault(key, 0L);
        if (offset < current) {
            return false;
        }
        next.put(key, offset + 1);
        return true;
    }

    /** True when the record at this position is already behind the cursor. */
    public boolean delivered(String topic, int partition, long offset) {
        return offset < next.getOrDefault(key(topic, partition), 0L);
    }

    /**
     * True when this cursor has passed a record that {@code other} has not, in some partition: e.g. a Last-Event-ID
     * from a dashboard instance that read further than this one.
     */
    public boolean aheadOf(StreamCursor other) {
        for (Map.Entry<String, Long> entry : next.entrySet()) {
            if (entry.getValue() > other.next.getOrDefault(entry.getKey(), 0L)) {
                return true;
            }
        }
        return false;
    }

    /** The next offset per {@code topic:partition}; absent means the partition's beginning. */
    public Map<String, Long> positions() {
        return Map.copyOf(next);
    }

    public long next(String topic, int partition) {
        return next.getOrDefault(key(topic, partition), 0L);
    }

    public StreamCursor copy() {
        return new StreamCursor(next);
    }

    /** The text form, stable for equal cursors. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        next.forEach((key, offset) -> {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(key.startsWith(TOPIC_PREFIX) ? key.substring(TOPIC_PREFIX.length()) : key)
                    .append(':').append(offset);
        });
        return sb.toString();
    }

    @Override
    public String toString() {
        return encode();
    }
}
