package dev.cohort.orchestrator.domain;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.Usage;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One node of a task's graph. {@code attempt} and {@code leaseToken} name the one attempt whose results count;
 * anything reported for another attempt is stale and ignored.
 */
@Entity
@Table(name = "subtask")
public class Subtask {

    @Id
    public UUID id;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    /** The id the plan gave it, e.g. {@code backend}; unique within the task. */
    @Column(name = "plan_key", nullable = false)
    public String planKey;

    @Column(nullable = false)
    public String role;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String instructions = "";

    /** Plan keys of the subtasks this one waits for. */
    @Column(name = "depends_on", nullable = false)
    @Convert(converter = JsonList.class)
    public List<String> dependsOn = List.of();

    /** Artifact keys this subtask reads and writes. */
    @Column(nullable = false)
    @Convert(converter = JsonList.class)
    public List<String> reads = List.of();

    @Column(nullable = false)
    @Convert(converter = JsonList.class)
    public List<String> writes = List.of();

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public int attempt;

    @Column(name = "max_attempts", nullable = false)
    public int maxAttempts;

    @Column(name = "lease_token")
    public String leaseToken;

    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    @Column(name = "retry_at")
    public Instant retryAt;

    /** What a ready subtask that was not dispatched yet waits for: a model's limit or pause (null otherwise). */
    @Column(name = "waiting_for")
    public String waitingFor;

    @Column(name = "agent_id")
    public String agentId;

    public String provider;

    public String model;

    @Column(name = "summary_json")
    public String summaryJson;

    /** The last check its agent ran in the sandbox ({@link dev.cohort.contracts.model.Verification}), as JSON. */
    @Column(name = "verification_json")
    public String verificationJson;

    public String output;

    /** Artifact keys with versions the last attempt wrote, as {@code key@version}. */
    @Column(nullable = false)
    @Convert(converter = JsonList.class)
    public List<String> artifacts = List.of();

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "prompt_tokens", nullable = false)
    public long promptTokens;

    @Column(name = "completion_tokens", nullable = false)
    public long completionTokens;

    @Column(name = "cost_usd", nullable = false)
    public BigDecimal costUsd = BigDecimal.ZERO;

    /** Attempts that failed, timed out or produced invalid output; drives escalation. */
    @Column(name = "failed_attempts", nullable = false)
    public int failedAttempts;

    @Column(name = "last_failure")
    public String lastFailure;

    /** A model a person chose for this subtask when editing the plan. */
    @Column(name = "requested_provider")
    public String requestedProvider;

    @Column(name = "requested_model")
    public String requestedModel;

    /** For a merge subtask: the context store's conflict and the artifact it is about. */
    @Column(name = "conflict_id")
    public String conflictId;

    @Column(name = "artifact_key")
    public String artifactKey;

    /** For an answering subtask: the question it answers. */
    @Column(name = "question_id")
    public UUID questionId;

    /** Tokens generated so far by the running attempt, and what it is doing. */
    @Column(name = "progress_tokens", nullable = false)
    public long progressTokens;

    public String phase;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public Role roleValue() {
        return Role.fromId(role);
    }

    public SubtaskKind kindValue() {
        return SubtaskKind.fromId(kind);
    }

    public SubtaskStatus statusValue() {
        return SubtaskStatus.fromId(status);
    }

    public void status(SubtaskStatus value) {
        status = value.id();
    }

    public boolean finished() {
        return SubtaskOutline.finished(statusValue());
    }

    /** Dispatched or running: an attempt is out with a worker. */
    public boolean inFlight() {
        SubtaskStatus s = statusValue();
        return s == SubtaskStatus.DISPATCHED || s == SubtaskStatus.RUNNING;
    }

    public List<String> dependsOnKeys() {
        return dependsOn;
    }

    public void dependsOnKeys(List<String> keys) {
        dependsOn = keys == null ? List.of() : List.copyOf(keys);
    }

    public List<String> readKeys() {
        return reads;
    }

    public void readKeys(List<String> keys) {
        reads = keys == null ? List.of() : List.copyOf(keys);
    }

    public List<String> writeKeys() {
        return writes;
    }

    public void writeKeys(List<String> keys) {
        writes = keys == null ? List.of() : List.copyOf(keys);
    }

    public List<String> artifactRefs() {
        return artifacts;
    }

    public void artifactRefs(List<String> refs) {
        artifacts = refs == null ? List.of() : List.copyOf(refs);
    }

    public void addUsage(Usage usage) {
        if (usage != null) {
            promptTokens += usage.promptTokens();
            completionTokens += usage.completionTokens();
            if (usage.costUsd() != null) {
                costUsd = costUsd.add(usage.costUsd());
            }
        }
    }
}
