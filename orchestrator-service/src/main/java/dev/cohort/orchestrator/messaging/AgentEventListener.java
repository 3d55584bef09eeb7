package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Applies the workers' reports to the task graph. Records are keyed by task, so one task's events arrive in order
 * at one orchestrator instance. An unreadable record is dead-lettered with its reason and the stream moves on; if
 * its key names a task, that task fails with a reference to the dead letter.
 */
@ApplicationScoped
public class AgentEventListener {

    public static final String CHANNEL = "agent-events";

    private final OrchestrationService orchestration;
    private final OutboxRelay relay;

    public AgentEventListener(OrchestrationService orchestration, OutboxRelay relay) {
        this.orchestration = orchestration;
        this.relay = relay;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(Message<String> message) {
        AgentEvent event;
        try {
            event = EventCodec.decode(message.getPayload(), AgentEvent.class);
        } catch (InvalidEventException e) {
            String where = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(m -> m.getTopic() + ":" + m.getPartition() + ":" + m.getOffset()).orElse("unknown");
            Object key = message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getKey)
                    .orElse(null);
            Log.warnf("Dead-lettering unreadable agent event %s: %s", where, e.getMessage());
            return orchestration.failForDeadLetter(key == null ? null : key.toString(), where, e.getMessage())
                    .invoke(relay::kick)
                    .onFailure().recoverWithNull()
                    .chain(() -> Uni.createFrom().completionStage(message.nack(e)));
        }
        return orchestration.onAgentEvent(event)
                .invoke(relay::kick)
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
