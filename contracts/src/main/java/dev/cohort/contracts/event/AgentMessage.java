package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import java.time.Instant;

/** A message between agents, or from a person to an agent, a role or the team. */
@JsonTypeName("agent.message")
public record AgentMessage(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        Participant from,
        Participant to,
        MessageKind kind,
        String text,
        String subtaskId,
        String inReplyTo) implements CohortEvent {

    public AgentMessage {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(from, "from");
        Required.field(to, "to");
        Required.field(kind, "kind");
        Required.field(text, "text");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentMessage(String taskId,
                         Participant from,
                         Participant to,
                         MessageKind kind,
                         String text,
                         String subtaskId,
                         String inReplyTo) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, from, to, kind, text,
                subtaskId, inReplyTo);
    }
}
