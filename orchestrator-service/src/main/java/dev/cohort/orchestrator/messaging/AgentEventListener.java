package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Applies the workers' reports to the task graph. Records are keyed by task, so one task's events arrive in order
 * at one orchestrator instance. How failures are contained: {@link RecordApplier}.
 */
@ApplicationScoped
public class AgentEventListener {

    public static final String CHANNEL = "agent-events";

    private final OrchestrationService orchestration;
    private final RecordApplier records;

    public AgentEventListener(OrchestrationService orchestration, RecordApplier records) {
        this.orchestration = orchestration;
        this.records = records;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(Message<String> message) {
        return records.apply(message, AgentEvent.class, orchestration::onAgentEvent);
    }
}
