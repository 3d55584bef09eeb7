package dev.cohort.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** Every row gets its outcome, in order: published, refused for good, or to be tried again. */
class OutboxSenderTest {

    final List<Message<String>> sent = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    MutinyEmitter<String> emitter(Function<String, Uni<Void>> kafka) {
        return (MutinyEmitter<String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessage")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Message<String> message = (Message<String>) args[0];
                    sent.add(message);
                    return kafka.apply(message.getPayload());
                });
    }

    @Test
    void eachRowIsPublishedRefusedOrLeftForALaterRoundInTheOrderWritten() {
        OutboxSender sender = new OutboxSender(emitter(payload -> switch (payload) {
            case "too large" -> Uni.createFrom().failure(new RecordTooLargeException("1100220 bytes"));
            case "broker away" -> Uni.createFrom().failure(new TimeoutException("no broker"));
            case "no answer" -> Uni.createFrom().nothing();
            default -> Uni.createFrom().voidItem();
        }), Duration.ofMillis(300));
        List<OutboxSender.Row> rows = List.of(new OutboxSender.Row(1, "t", "k1", "ok"),
                new OutboxSender.Row(2, "t", "k1", "too large"), new OutboxSender.Row(3, "t", "k2", "broker away"),
                new OutboxSender.Row(4, "t", "k2", "no answer"), new OutboxSender.Row(5, "t", "k1", "ok"));

        List<OutboxSender.Outcome> outcomes = sender.send(rows).await().atMost(Duration.ofSeconds(5));

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), outcomes.stream().map(o -> o.row().id()).toList());
        assertTrue(outcomes.get(0).published());
        assertTrue(outcomes.get(1).refused(), "Kafka refuses the record itself");
        assertTrue(outcomes.get(1).reason().contains("RecordTooLargeException"), outcomes.get(1).reason());
        assertFalse(outcomes.get(2).published() || outcomes.get(2).refused(), "the broker away: try again");
        assertFalse(outcomes.get(3).published() || outcomes.get(3).refused(), "no acknowledgement in time");
        assertTrue(outcomes.get(4).published());
        assertEquals(List.of("ok", "too large", "broker away", "no answer", "ok"),
                sent.stream().map(Message::getPayload).toList(), "handed over at once, in the order written");
    }

    @Test
    void aRefusedRowIsNamedOnTheDeadLetterTopicWithoutItsPayload() throws Exception {
        OutboxSender sender = new OutboxSender(emitter(payload -> Uni.createFrom().voidItem()), Duration.ofSeconds(1));
        OutboxSender.Row row = new OutboxSender.Row(7, Topics.TASK_EVENTS, "task-1", "x".repeat(2_000_000));

        sender.deadLetter(row, "RecordTooLargeException: too large", Map.of("eventId", "e-1"))
                .await().atMost(Duration.ofSeconds(5));

        Message<String> notice = sent.get(0);
        OutgoingKafkaRecordMetadata<?> metadata = notice.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertEquals(Topics.DEAD_LETTER, metadata.getTopic());
        assertEquals("task-1", metadata.getKey());
        assertEquals(Topics.TASK_EVENTS, new String(metadata.getHeaders()
                .lastHeader(Topics.DEAD_LETTER_TOPIC_HEADER).value(), StandardCharsets.UTF_8));
        assertTrue(notice.getPayload().length() < 1000, "it names the row, it does not carry it");
        var value = EventCodec.mapper().readTree(notice.getPayload());
        assertEquals("e-1", value.path("eventId").asText());
        assertEquals(2_000_000, value.path("payloadBytes").asInt());
        assertNull(value.get("payload"));
    }
}
