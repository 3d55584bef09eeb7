package dev.cohort.orchestrator.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An event waiting to be published, written in the transaction of the change it announces. */
@Entity
@Table(name = "outbox")
public class OutboxRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** The task the event belongs to: told when its event cannot be published. */
    @Column(name = "task_id")
    public UUID taskId;

    /** Relay rounds that tried to send this row and failed. */
    @Column(name = "send_attempts", nullable = false)
    public int sendAttempts;

    /** Set when Kafka will never take the row: it no longer holds up the rows behind it. */
    @Column(name = "set_aside_at")
    public Instant setAsideAt;

    /** Why the row was set aside. */
    public String failure;

    /** The W3C traceparent of the work that wrote the row: the published record continues its trace. */
    @Column(name = "trace_parent")
    public String traceParent;
}
