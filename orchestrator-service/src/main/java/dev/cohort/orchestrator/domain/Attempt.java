package dev.cohort.orchestrator.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One attempt at a subtask: who ran it on which model, and how it ended. */
@Entity
@Table(name = "attempt")
public class Attempt {

    @EmbeddedId
    public Key key;

    @Column(name = "lease_token", nullable = false)
    public String leaseToken;

    @Column(name = "agent_id")
    public String agentId;

    public String provider;

    public String model;

    /** dispatched, running, completed, failed, expired, cancelled or stale. */
    @Column(nullable = false)
    public String outcome;

    @Column(name = "failure_kind")
    public String failureKind;

    public String reason;

    @Column(name = "prompt_tokens", nullable = false)
    public long promptTokens;

    @Column(name = "completion_tokens", nullable = false)
    public long completionTokens;

    @Column(name = "cost_usd", nullable = false)
    public BigDecimal costUsd = BigDecimal.ZERO;

    @Column(name = "dispatched_at", nullable = false)
    public Instant dispatchedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Embeddable
    public record Key(@Column(name = "subtask_id") UUID subtaskId, @Column(name = "attempt") int attempt)
            implements Serializable {
    }
}
