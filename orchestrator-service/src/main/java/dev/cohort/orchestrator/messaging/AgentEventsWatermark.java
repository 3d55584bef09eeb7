package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.Failures;
import dev.cohort.contracts.KafkaConnection;
import dev.cohort.contracts.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import io.smallrye.common.annotation.Identifier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How far the orchestrators have read the workers' reports, as a time on the database's clock: every agent event
 * written to Kafka before that time has been applied. A lease counts as expired only when it ran out before this
 * time, so a heartbeat that the orchestrators could not read (they were down, the database or the broker was away, a
 * dead replica still held its partitions) never makes a live worker's attempt run again.
 *
 * <p>Each sample notes the end offsets of {@code cohort.agent-events} with the time taken before them; the watermark
 * is the time of the newest sample that the consumer group's committed offsets have passed on every partition.
 * Committed offsets are the group's, so this holds with any number of orchestrator replicas.
 */
@ApplicationScoped
public class AgentEventsWatermark {

    private static final int MAX_SAMPLES = 2000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The service's {@code kafka.*} settings: the admin client reaches and logs in to the broker as the channels do. */
    private final Map<String, Object> kafka;
    private final String groupId;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private volatile Admin admin;
    private volatile Instant caughtUp;
    /** The first sample after start-up or after a sample failed: since then the broker has been reachable. */
    private volatile Instant healthySince;
    private volatile boolean gap = true;

    record Sample(Instant at, Map<TopicPartition, Long> ends) {
    }

    public AgentEventsWatermark(@Identifier("default-kafka-broker") Map<String, Object> kafka,
                                @ConfigProperty(name = "mp.messaging.incoming.agent-events.group.id") String groupId) {
        this.kafka = kafka;
        this.groupId = groupId;
    }

    void stop(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** The time up to which every agent event has been applied; null until the first sample has been passed. */
    public Instant caughtUp() {
        return caughtUp;
    }

    /**
     * The time before which a lease that no report renewed has really run out: {@link #caughtUp()}, once the broker
     * has been reachable for {@code grace} (a lease TTL) before it. After an outage of the broker, or a start-up,
     * workers first get a full lease to report again; their heartbeats from the outage may not have reached Kafka.
     * Null while nothing may be reclaimed.
     */
    public Instant reclaimBefore(Duration grace) {
        Instant read = caughtUp;
        Instant since = healthySince;
        return read != null && since != null && read.isAfter(since.plus(grace)) ? read : null;
    }

    /**
     * Samples the topic's end offsets at {@code now} (the database's time, read before the offsets) and moves the
     * watermark; on any failure (the broker away) it stays where it was.
     */
    public Uni<Instant> sample(Instant now) {
        Admin client = admin();
        // The admin client completes on its own thread; the caller goes on with the database on its Vert.x context.
        Context context = Vertx.currentContext();
        return Uni.createFrom().completionStage(() -> client.describeTopics(List.of(Topics.AGENT_EVENTS))
                        .allTopicNames().toCompletionStage())
                .map(topics -> topics.get(Topics.AGENT_EVENTS).partitions().stream()
                        .map(p -> new TopicPartition(Topics.AGENT_EVENTS, p.partition())).toList())
                .flatMap(partitions -> offsets(client, partitions, OffsetSpec.latest())
                        .flatMap(ends -> offsets(client, partitions, OffsetSpec.earliest())
                                .flatMap(starts -> committed(client).map(committed -> {
                                    Map<TopicPartition, Long> read = new HashMap<>(starts);
                                    committed.forEach((tp, offset) -> {
                                        if (offset != null && read.containsKey(tp)) {
                                            read.put(tp, Math.max(read.get(tp), offset.offset()));
                                        }
                                    });
                                    return advance(new Sample(now, ends), read);
                                }))))
                .onFailure(e -> hasCause(e, UnknownTopicOrPartitionException.class))
                // No worker has reported anything yet.
                .recoverWithItem(() -> advance(new Sample(now, Map.of()), Map.of()))
                .onFailure().invoke(e -> {
                    gap = true;
                    Log.debugf("Agent events watermark not moved: %s", Failures.describe(e));
                })
                .onFailure().recoverWithItem(() -> caughtUp)
                .emitOn(context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run()));
    }

    /** Adds a sample and moves the watermark to the newest sample that the read offsets have passed. */
    synchronized Instant advance(Sample sample, Map<TopicPartition, Long> read) {
        if (gap) {
            healthySince = sample.at();
            gap = false;
        }
        samples.addLast(sample);
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        Sample passed = null;
        for (Sample s : samples) {
            boolean all = s.ends().entrySet().stream()
                    .allMatch(e -> e.getValue() == 0 || read.getOrDefault(e.getKey(), -1L) >= e.getValue());
            if (all) {
                passed = s;
            }
        }
        if (passed != null) {
            while (samples.peekFirst() != passed) {
                samples.removeFirst();
            }
            caughtUp = passed.at();
        }
        return caughtUp;
    }

    private static Uni<Map<TopicPartition, Long>> offsets(Admin client, List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
        return Uni.createFrom().completionStage(() -> client.listOffsets(request).all().toCompletionStage())
                .map(result -> result.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> ((ListOffsetsResult.ListOffsetsResultInfo) e.getValue()).offset())));
    }

    private Uni<Map<TopicPartition, OffsetAndMetadata>> committed(Admin client) {
        return Uni.createFrom().completionStage(() -> client.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().toCompletionStage());
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    Properties p = KafkaConnection.of(kafka);
                    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cohort-orchestrator-watermark");
                    admin = Admin.create(p);
                }
            }
        }
        return admin;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 16; t = t.getCause(), i++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
