package dev.cohort.dashboard.messaging;

import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.KafkaConnection;
import dev.cohort.contracts.Topics;
import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamedEvent;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads events between two stream positions straight from Kafka, for a browser that resumes from further back
 * than the in-memory log reaches (e.g. after this dashboard restarted). Blocking: call it on a worker thread.
 */
@ApplicationScoped
public class KafkaHistoryReader {

    /** The broker's address and login, as the service's channels have them. */
    private final Properties connection;
    private final int limit;
    private final Duration timeout;

    @Inject
    public KafkaHistoryReader(@Identifier("default-kafka-broker") Map<String, Object> kafka, DashboardConfig config) {
        this(KafkaConnection.of(kafka), config.catchUpLimit(), config.catchUpTimeout());
    }

    public KafkaHistoryReader(String bootstrapServers, int limit, Duration timeout) {
        this(KafkaConnection.of(Map.of("bootstrap.servers", bootstrapServers)), limit, timeout);
    }

    private KafkaHistoryReader(Properties connection, int limit, Duration timeout) {
        this.connection = connection;
        this.limit = limit;
        this.timeout = timeout;
    }

    /**
     * The events at or after {@code from} and before {@code to}, per partition in offset order, optionally only of
     * one task (records are keyed by task id).
     *
     * @return the events, and whether they reach {@code to}; false when the limit or the timeout cut them short
     */
    public History read(StreamCursor from, StreamCursor to, String taskId) {
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        to.positions().forEach((key, next) -> {
            int colon = key.lastIndexOf(':');
            TopicPartition tp = new TopicPartition(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
            long begin = from.next(tp.topic(), tp.partition());
            if (begin < next && Topics.EVENT_TOPICS.contains(tp.topic())) {
                start.put(tp, begin);
                end.put(tp, next);
            }
        });
        List<StreamedEvent> events = new ArrayList<>();
        if (start.isEmpty()) {
            return new History(events, true);
        }
        Properties p = new Properties();
        p.putAll(connection);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(start.keySet());
            Map<TopicPartition, Long> earliest = consumer.beginningOffsets(start.keySet());
            start.forEach((tp, offset) -> consumer.seek(tp, Math.max(offset, earliest.getOrDefault(tp, 0L))));
            Map<TopicPartition, Long> pending = new HashMap<>(end);
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    Log.warnf("Catching up from Kafka timed out after %s with %d events", timeout, events.size());
                    return new History(events, false);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = pending.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    if (taskId == null || taskId.equals(r.key())) {
                        try {
                            StreamedEvent e = EventRecords.decode(r.topic(), r.partition(), r.offset(), r.value());
                            if (taskId == null || taskId.equals(e.taskId())) {
                                if (events.size() >= limit) {
                                    return new History(events, false);
                                }
                                events.add(e);
                            }
                        } catch (InvalidEventException e) {
                            // dead-lettered when it was first read; a resumed stream skips it too
                        }
                    }
                }
                pending.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return new History(events, true);
    }

    /** Events read from Kafka; {@code complete} is false when they stop short of the requested end. */
    public record History(List<StreamedEvent> events, boolean complete) {
    }
}
