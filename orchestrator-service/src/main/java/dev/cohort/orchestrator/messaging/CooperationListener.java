package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.orchestrator.service.CooperationService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Messages between agents, and the context store's conflicts: both can add subtasks to a task's graph. */
@ApplicationScoped
public class CooperationListener {

    public static final String MESSAGES = "agent-messages";
    public static final String ARTIFACTS = "artifact-events";

    private final CooperationService cooperation;
    private final OutboxRelay relay;

    public CooperationListener(CooperationService cooperation, OutboxRelay relay) {
        this.cooperation = cooperation;
        this.relay = relay;
    }

    @Incoming(MESSAGES)
    public Uni<Void> onMessage(Message<String> message) {
        return handle(message, AgentMessage.class, cooperation::onMessage);
    }

    @Incoming(ARTIFACTS)
    public Uni<Void> onArtifactEvent(Message<String> message) {
        return handle(message, ArtifactEvent.class, event -> event instanceof ArtifactConflict conflict
                ? cooperation.onConflict(conflict) : Uni.createFrom().voidItem());
    }

    private <T extends CohortEvent> Uni<Void> handle(Message<String> message, Class<T> type,
                                                     java.util.function.Function<T, Uni<Void>> apply) {
        T event;
        try {
            event = EventCodec.decode(message.getPayload(), type);
        } catch (InvalidEventException e) {
            Log.warnf("Dead-lettering an unreadable %s record: %s", type.getSimpleName(), e.getMessage());
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return apply.apply(event)
                .invoke(relay::kick)
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
