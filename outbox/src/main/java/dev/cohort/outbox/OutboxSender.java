package dev.cohort.outbox;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * How every relay sends stored events to Kafka (the orchestrator's outbox, the context store's event log): a batch is
 * handed over at once in the order it was written, without waiting between records, since the idempotent producer
 * keeps that order per partition; each record's acknowledgement is awaited up to a send timeout. A record Kafka
 * refuses for good (too large, unserialisable) is reported as such, for the relay to set aside and name on the
 * dead-letter topic with {@link #deadLetter}; anything else (the broker away, a timeout) is to be tried again.
 * Locking rows and marking them is the relay's, in its own transaction.
 */
public final class OutboxSender {

    /** Longest reason put on a dead-letter notice. */
    private static final int MAX_REASON = 2000;

    private final MutinyEmitter<String> emitter;
    private final Duration sendTimeout;

    /**
     * One stored event to publish, with the W3C {@code traceparent} of the work that wrote it (null for none): the
     * record's producer span is made its child, so the event stays in its task's trace.
     */
    public record Row(long id, String topic, String key, String payload, String traceparent) {

        public Row(long id, String topic, String key, String payload) {
            this(id, topic, key, payload, null);
        }
    }

    /** What became of one row: published (no failure), refused for good, or to be tried again. */
    public record Outcome(Row row, Throwable failure) {

        public boolean published() {
            return failure == null;
        }

        /** Kafka refused the record itself: no retry can succeed. */
        public boolean refused() {
            return failure != null && Failures.isPermanent(failure);
        }

        public String reason() {
            return failure == null ? null : Failures.describe(failure);
        }
    }

    public OutboxSender(MutinyEmitter<String> emitter, Duration sendTimeout) {
        this.emitter = emitter;
        this.sendTimeout = sendTimeout;
    }

    /** Sends every row, in order, and returns each row's outcome in that order. */
    public Uni<List<Outcome>> send(List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Outcome>> sends = new ArrayList<>(rows.size());
        for (Row row : rows) {
            sends.add(send(row.topic(), row.key(), row.payload(), null, row.traceparent())
                    .onItemOrFailure().transform((ok, failure) -> new Outcome(row, failure)));
        }
        return Uni.join().all(sends).andFailFast();
    }

    /**
     * Names a row Kafka refused on {@link Topics#DEAD_LETTER}: a small JSON record (never the row itself) with the
     * reason, keyed like the row; completes once Kafka has it, fails otherwise.
     */
    public Uni<Void> deadLetter(Row row, String reason, Map<String, Object> details) {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        Map<String, Object> notice = new LinkedHashMap<>(details);
        notice.put("topic", row.topic());
        notice.put("recordKey", row.key());
        notice.put("payloadBytes", row.payload().getBytes(StandardCharsets.UTF_8).length);
        notice.put("reason", shortReason);
        String json;
        try {
            json = EventCodec.mapper().writeValueAsString(notice);
        } catch (Exception e) {
            json = "{\"reason\":\"" + shortReason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DEAD_LETTER_REASON_HEADER, shortReason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DEAD_LETTER_TOPIC_HEADER, row.topic().getBytes(StandardCharsets.UTF_8));
        return send(Topics.DEAD_LETTER, row.key(), json, headers, row.traceparent());
    }

    private Uni<Void> send(String topic, String key, String payload, RecordHeaders headers, String traceparent) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key);
        if (headers != null) {
            metadata.withHeaders(headers);
        }
        Message<String> message = Message.of(payload).addMetadata(metadata.build());
        if (traceparent != null) {
            message = message.addMetadata(TracingMetadata.withCurrent(TaskTrace.fromTraceparent(traceparent, null)));
        }
        Message<String> toSend = message;
        return Uni.createFrom().deferred(() -> emitter.sendMessage(toSend))
                .ifNoItem().after(sendTimeout)
                .failWith(() -> new TimeoutException("Kafka did not acknowledge within " + sendTimeout));
    }
}
