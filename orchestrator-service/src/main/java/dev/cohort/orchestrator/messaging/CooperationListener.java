package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.orchestrator.service.CooperationService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Messages between agents, and the context store's conflicts: both can add subtasks to a task's graph. How failures
 * are contained: {@link RecordApplier}.
 */
@ApplicationScoped
public class CooperationListener {

    public static final String MESSAGES = "agent-messages";
    public static final String ARTIFACTS = "artifact-events";

    private final CooperationService cooperation;
    private final RecordApplier records;

    public CooperationListener(CooperationService cooperation, RecordApplier records) {
        this.cooperation = cooperation;
        this.records = records;
    }

    @Incoming(MESSAGES)
    public Uni<Void> onMessage(Message<String> message) {
        return records.apply(message, AgentMessage.class, cooperation::onMessage);
    }

    @Incoming(ARTIFACTS)
    public Uni<Void> onArtifactEvent(Message<String> message) {
        return records.apply(message, ArtifactEvent.class, event -> event instanceof ArtifactConflict conflict
                ? cooperation.onConflict(conflict) : Uni.createFrom().voidItem());
    }
}
