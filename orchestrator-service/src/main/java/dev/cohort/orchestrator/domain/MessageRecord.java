package dev.cohort.orchestrator.domain;

import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.ParticipantType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A message as stored, so that it reaches its recipient's next prompt. */
@Entity
@Table(name = "message")
public class MessageRecord {

    @Id
    public UUID id;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    @Column(name = "from_type", nullable = false)
    public String fromType;

    @Column(name = "from_id", nullable = false)
    public String fromId;

    @Column(name = "to_type", nullable = false)
    public String toType;

    @Column(name = "to_id", nullable = false)
    public String toId;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String text;

    @Column(name = "subtask_id")
    public UUID subtaskId;

    @Column(name = "in_reply_to")
    public UUID inReplyTo;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static MessageRecord of(AgentMessage m) {
        MessageRecord r = new MessageRecord();
        r.id = UUID.fromString(m.eventId());
        r.taskId = UUID.fromString(m.taskId());
        r.fromType = m.from().type().id();
        r.fromId = m.from().id();
        r.toType = m.to().type().id();
        r.toId = m.to().id();
        r.kind = m.kind().id();
        r.text = m.text();
        r.subtaskId = parse(m.subtaskId());
        r.inReplyTo = parse(m.inReplyTo());
        r.createdAt = m.occurredAt();
        return r;
    }

    public AgentMessage toEvent() {
        return new AgentMessage(id.toString(), taskId.toString(), createdAt, 0,
                new Participant(ParticipantType.fromId(fromType), fromId),
                new Participant(ParticipantType.fromId(toType), toId), MessageKind.fromId(kind), text,
                subtaskId == null ? null : subtaskId.toString(), inReplyTo == null ? null : inReplyTo.toString());
    }

    private static UUID parse(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
