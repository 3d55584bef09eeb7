package dev.cohort.orchestrator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cohort.contracts.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The watermark moves to the newest sample whose end offsets the consumer group has read past, on every partition. */
class AgentEventsWatermarkTest {

    static final TopicPartition P0 = new TopicPartition(Topics.AGENT_EVENTS, 0);
    static final TopicPartition P1 = new TopicPartition(Topics.AGENT_EVENTS, 1);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void itStaysWhileAnyPartitionIsBehindAndMovesOnceAllHavePassedASample() {
        AgentEventsWatermark watermark = new AgentEventsWatermark(Map.of("bootstrap.servers", "localhost:1"), "group");
        assertNull(watermark.advance(new AgentEventsWatermark.Sample(T0, Map.of(P0, 10L, P1, 5L)),
                Map.of(P0, 10L, P1, 4L)), "partition 1 is one record behind");
        // Reports keep coming; partition 1 catches up with the first sample only.
        assertEquals(T0, watermark.advance(new AgentEventsWatermark.Sample(T0.plusSeconds(1), Map.of(P0, 12L, P1, 7L)),
                Map.of(P0, 11L, P1, 5L)));
        assertEquals(T0.plusSeconds(1), watermark.advance(
                new AgentEventsWatermark.Sample(T0.plusSeconds(2), Map.of(P0, 20L, P1, 9L)), Map.of(P0, 12L, P1, 8L)));
        // The group's reading stops (orchestrators down, broker away): the watermark waits where it is.
        assertEquals(T0.plusSeconds(1), watermark.advance(
                new AgentEventsWatermark.Sample(T0.plusSeconds(30), Map.of(P0, 40L, P1, 9L)), Map.of(P0, 12L, P1, 8L)));
        assertEquals(T0.plusSeconds(30), watermark.advance(
                new AgentEventsWatermark.Sample(T0.plusSeconds(31), Map.of(P0, 41L, P1, 9L)), Map.of(P0, 40L, P1, 9L)));
    }

    @Test
    void anEmptyPartitionNeverHoldsItBack() {
        AgentEventsWatermark watermark = new AgentEventsWatermark(Map.of("bootstrap.servers", "localhost:1"), "group");
        assertEquals(T0, watermark.advance(new AgentEventsWatermark.Sample(T0, Map.of(P0, 0L, P1, 3L)), Map.of(P1, 3L)));
    }

    @Test
    void afterStartUpNothingIsReclaimedUntilTheBrokerWasReachableForAFullLease() {
        AgentEventsWatermark watermark = new AgentEventsWatermark(Map.of("bootstrap.servers", "localhost:1"), "group");
        Duration ttl = Duration.ofSeconds(6);
        watermark.advance(new AgentEventsWatermark.Sample(T0, Map.of(P0, 1L)), Map.of(P0, 1L));
        assertNull(watermark.reclaimBefore(ttl), "workers first get a full lease to report");
        watermark.advance(new AgentEventsWatermark.Sample(T0.plusSeconds(7), Map.of(P0, 2L)), Map.of(P0, 2L));
        assertEquals(T0.plusSeconds(7), watermark.reclaimBefore(ttl));
    }
}
