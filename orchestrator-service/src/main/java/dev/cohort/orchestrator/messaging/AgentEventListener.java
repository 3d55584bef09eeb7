package dev.cohort.orchestrator.messaging;

import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies the workers' reports to the task graph. Records are keyed by task, so one task's events arrive in order
 * at one orchestrator instance. They are read a poll at a time: a task's reports that arrive together (the starts
 * of a fan-out, the completions that meet at a join) are applied in one transaction. How failures are contained:
 * {@link RecordApplier}.
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
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> poll) {
        return records.applyPoll(poll.getRecords(), AgentEvent.class, OrchestrationService::appliesTogether,
                        orchestration::onAgentEvents, orchestration::onAgentEvent)
                .chain(() -> Uni.createFrom().completionStage(poll.ack()));
    }
}
