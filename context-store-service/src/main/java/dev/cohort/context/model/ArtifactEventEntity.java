package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One artifact event, written in the transaction of the change it announces. The relay publishes it to Kafka and
 * sets {@code publishedAt} (or sets it aside); SSE subscribers read it by {@code taskSeq}.
 */
@Entity
@Table(name = "artifact_event")
public class ArtifactEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Column(name = "task_seq", nullable = false)
    public long taskSeq;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "event_type", nullable = false)
    public String type;

    @Column(name = "artifact_key", nullable = false)
    public String key;

    /** The event as JSON ({@link dev.cohort.contracts.EventCodec}), exactly as it goes to Kafka and SSE. */
    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** Set instead of {@code publishedAt} when Kafka can never accept the event; the relay moves past it. */
    @Column(name = "set_aside_at")
    public Instant setAsideAt;

    @Column(name = "set_aside_reason")
    public String setAsideReason;

    /** The W3C traceparent of the write that made the event: the published record continues its trace. */
    @Column(name = "trace_parent")
    public String traceParent;
}
