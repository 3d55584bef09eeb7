package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * Every record that crosses Kafka. JSON carries a {@code type} discriminator (e.g. {@code task.submitted}),
 * the task it belongs to, a unique event id (the idempotency key of consumers), a timestamp and a schema version.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(TaskSubmitted.class),
        @JsonSubTypes.Type(TaskPlanned.class),
        @JsonSubTypes.Type(TaskAwaitingApproval.class),
        @JsonSubTypes.Type(TaskApproved.class),
        @JsonSubTypes.Type(TaskRejected.class),
        @JsonSubTypes.Type(TaskPaused.class),
        @JsonSubTypes.Type(TaskResumed.class),
        @JsonSubTypes.Type(TaskCompleted.class),
        @JsonSubTypes.Type(TaskFailed.class),
        @JsonSubTypes.Type(TaskCancelled.class),
        @JsonSubTypes.Type(SubtaskStateChanged.class),
        @JsonSubTypes.Type(SubtaskDispatch.class),
        @JsonSubTypes.Type(AgentStarted.class),
        @JsonSubTypes.Type(AgentProgress.class),
        @JsonSubTypes.Type(AgentHeartbeat.class),
        @JsonSubTypes.Type(AgentCompleted.class),
        @JsonSubTypes.Type(AgentFailed.class),
        @JsonSubTypes.Type(AgentEscalated.class),
        @JsonSubTypes.Type(AgentThrottled.class),
        @JsonSubTypes.Type(AgentToolCalled.class),
        @JsonSubTypes.Type(ArtifactPublished.class),
        @JsonSubTypes.Type(ArtifactConflict.class),
        @JsonSubTypes.Type(ArtifactResolved.class),
        @JsonSubTypes.Type(AgentMessage.class)
})
public sealed interface CohortEvent permits TaskEvent, SubtaskDispatch, AgentEvent, ArtifactEvent, AgentMessage {

    /** The schema version this code writes. Readers accept older and newer versions, ignoring unknown fields. */
    int SCHEMA_VERSION = 1;

    String eventId();

    String taskId();

    Instant occurredAt();

    int schemaVersion();

    /** The discriminator written to JSON, e.g. {@code agent.progress}. */
    @JsonIgnore
    default String type() {
        return typeOf(getClass());
    }

    static String typeOf(Class<? extends CohortEvent> type) {
        return type.getAnnotation(JsonTypeName.class).value();
    }
}
