package dev.cohort.dashboard.messaging;

import dev.cohort.contracts.Failures;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.KafkaConnection;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.Topics;
import dev.cohort.dashboard.service.EventHub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every event topic, in full, and hands each event to the {@link EventHub}. A record that is not a valid
 * event, or that fails in any other way, is skipped with a log line and the feed moves on. The dashboard only reads:
 * dead-lettering a bad record is for the services that own its topic (the orchestrator, the context store), not for
 * each dashboard instance again.
 *
 * <p>The feed has a thread of its own, with a Kafka consumer of its own, rather than a reactive-messaging channel:
 * a channel hands its records over on one of the event loops that also write to the browsers' connections, and with
 * a thousand browsers an event waited there behind a pass of writes before any browser could have it. Each dashboard
 * instance reads everything, in a consumer group of its own per start, commits nothing, and starts at the earliest
 * record; a partition assigned again (after the broker was away) continues where this instance has read to, so no
 * browser gets an event twice. Each record gets a {@code <topic> process} span in its task's trace.
 */
@ApplicationScoped
public class EventFeedListener {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final EventHub hub;
    private final Tracer tracer;
    /** The service's {@code kafka.*} settings: the consumer reaches and logs in to the broker as every client does. */
    private final Map<String, Object> kafka;
    /** From a record's Kafka timestamp to its hand-over to the browsers, for records written since this start. */
    private final Timer delay;
    private final long started = System.currentTimeMillis();
    private final String group = "cohort-dashboard-" + UUID.randomUUID();
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean stopped;
    private Thread thread;

    public EventFeedListener(EventHub hub, Tracer tracer, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                             MeterRegistry metrics) {
        this.hub = hub;
        this.tracer = tracer;
        this.kafka = kafka;
        this.delay = Timer.builder("cohort.dashboard.events.delay")
                .description("From an event's Kafka timestamp to its hand-over to this instance's browser streams "
                        + "(events written since the instance started)")
                .serviceLevelObjectives(EventHub.DELAY_BUCKETS)
                .register(metrics);
    }

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::run, "dashboard-event-feed");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True while the feed polls (it ends only when the dashboard stops). */
    public boolean running() {
        return thread != null && thread.isAlive() && !stopped;
    }

    /**
     * Polls until stopped. Nothing else ends the loop: a failed poll is logged and followed by a pause and a fresh
     * consumer, which continues where this instance has read to; every record is handled on its own.
     */
    private void run() {
        int failedPolls = 0;
        try {
            while (!stopped) {
                try {
                    if (consumer == null) {
                        consumer = new KafkaConsumer<>(consumerConfig());
                        consumer.subscribe(Topics.EVENT_TOPICS, new FromWhereRead());
                    }
                    for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                        handle(record);
                    }
                    if (failedPolls > 0) {
                        Log.infof("The event feed reads again after %d failure(s)", failedPolls);
                        failedPolls = 0;
                    }
                } catch (WakeupException | InterruptException e) {
                    // stopping, or a stray wake-up: the loop condition decides
                } catch (RuntimeException e) {
                    failedPolls++;
                    Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(failedPolls - 1, 5));
                    pause = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
                    if (failedPolls == 1 || failedPolls % 10 == 0) {
                        Log.errorf("The event feed failed (%d in a row), reading again in %d ms with a new consumer: %s",
                                failedPolls, pause.toMillis(), Failures.describe(e));
                    }
                    close();
                    sleep(pause);
                }
            }
        } finally {
            close();
        }
    }

    /** One record: to the hub, or skipped with a log line; it never stops the feed. */
    void handle(ConsumerRecord<String, String> record) {
        Span span = span(record);
        try {
            hub.publish(EventRecords.decode(record.topic(), record.partition(), record.offset(), record.value()));
            handedOver(record.timestamp());
        } catch (InvalidEventException e) {
            Log.warnf("Skipping record %s:%d:%d: it is not a Cohort event (%s)", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            hub.skip(record.topic(), record.partition(), record.offset());
        } catch (RuntimeException e) {
            // Nothing here waits on another service; whatever else goes wrong with one record must not stop the feed.
            Log.errorf(e, "Skipping record %s:%d:%d: it could not be shown", record.topic(), record.partition(),
                    record.offset());
            hub.skip(record.topic(), record.partition(), record.offset());
        } finally {
            span.end();
        }
    }

    /** The record's span, a child of its producer's (W3C headers), else of its task's root. */
    private Span span(ConsumerRecord<String, String> record) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.add(Map.entry(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        var builder = tracer.spanBuilder(record.topic() + " process").setSpanKind(SpanKind.CONSUMER)
                .setParent(TaskTrace.fromHeaders(headers, record.key()))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute("messaging.consumer.group.name", group);
        if (record.key() != null) {
            builder.setAttribute(TaskTrace.TASK_ID_ATTRIBUTE, record.key());
        }
        return builder.startSpan();
    }

    private void handedOver(long written) {
        if (written >= started) {
            delay.record(Math.max(0, System.currentTimeMillis() - written), TimeUnit.MILLISECONDS);
        }
    }

    private Properties consumerConfig() {
        Properties p = KafkaConnection.of(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private void close() {
        KafkaConsumer<String, String> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.debugf("Closing the event feed's consumer: %s", e.toString());
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Nothing is committed, so a partition assigned again (a new consumer after a failure, a rejoin after the broker
     * was away) would start from its earliest record: it continues after the last record this instance read instead.
     */
    private final class FromWhereRead implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            var position = hub.position();
            for (TopicPartition tp : partitions) {
                long next = position.next(tp.topic(), tp.partition());
                if (next > 0) {
                    consumer.seek(tp, next);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }
    }
}
