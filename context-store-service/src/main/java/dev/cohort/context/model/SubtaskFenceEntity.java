package dev.cohort.context.model;

import dev.cohort.contracts.Fence;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one subtask's writes are held to, as the orchestrator announced it on its {@code subtask.state-changed} events:
 * the attempt that may write, the SHA-256 of that attempt's lease token and the keys it may write. Only events change
 * a fence; a write is admitted or refused, never raises it. An event that says the attempt ended closes the fence, and
 * only the dispatch of a newer attempt opens it again.
 */
@Entity
@Table(name = "subtask_fence")
public class SubtaskFenceEntity {

    /** Whether a write may go ahead. */
    public enum Admission {
        ADMITTED,
        /** The write's attempt is older than the current one. */
        STALE_ATTEMPT,
        /** The write names the current attempt, which has ended. */
        ATTEMPT_OVER,
        /** The write names the current attempt but its lease token is not the one the dispatch announced. */
        OTHER_LEASE,
        /** The write names a newer attempt than the store has heard of: its dispatch has not arrived yet. */
        NOT_DISPATCHED_YET,
        /** The write's key is not among those the attempt may write. */
        UNDECLARED_KEY
    }

    @EmbeddedId
    public Key id;

    @Column(nullable = false)
    public int attempt;

    /** The hex SHA-256 of the current attempt's lease token; null when no event announced one. */
    @Column(name = "lease_token_hash")
    public String leaseTokenHash;

    /** The keys, and key prefixes ending in {@code /}, the current attempt may write; null when none were announced. */
    @Column(name = "writes")
    @Convert(converter = StringListConverter.class)
    public List<String> writes;

    /** The subtask status that ended the current attempt, e.g. {@code pending}; null while that attempt may write. */
    @Column(name = "closed_as")
    public String closedAs;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * Decides on a write of {@code attempt} with {@code leaseToken} to {@code key}. Nothing changes: an attempt
     * the store has not seen dispatched is not admitted, however high its number, so a forged attempt cannot fence
     * out the real one.
     */
    public Admission admit(int attempt, String leaseToken, String key) {
        if (attempt < this.attempt) {
            return Admission.STALE_ATTEMPT;
        }
        if (attempt > this.attempt) {
            return Admission.NOT_DISPATCHED_YET;
        }
        if (closedAs != null) {
            return Admission.ATTEMPT_OVER;
        }
        if (!Fence.matches(leaseToken, leaseTokenHash)) {
            return Admission.OTHER_LEASE;
        }
        return Fence.allows(writes, key) ? Admission.ADMITTED : Admission.UNDECLARED_KEY;
    }

    /**
     * Opens the fence for a dispatched attempt, with its lease token's hash and its writable keys. An older attempt's
     * dispatch changes nothing, and neither does a repeated dispatch of an attempt that has ended (an attempt ends
     * once). False when nothing changed.
     */
    public boolean dispatch(int attempt, String leaseTokenHash, List<String> writes) {
        if (attempt < this.attempt || attempt == this.attempt && closedAs != null) {
            return false;
        }
        if (attempt == this.attempt && Objects.equals(leaseTokenHash, this.leaseTokenHash)
                && Objects.equals(writes, this.writes)) {
            return false;
        }
        this.attempt = attempt;
        this.leaseTokenHash = leaseTokenHash;
        this.writes = writes == null ? null : List.copyOf(writes);
        this.closedAs = null;
        this.updatedAt = Instant.now();
        return true;
    }

    /**
     * Keeps the current attempt open while it runs, filling in its lease hash and keys when the event carries them. A
     * newer attempt (whose dispatch was missed) raises the fence to it, open, with what the event carries: without a
     * hash none of its writes is admitted, but the older attempts are fenced. False when nothing changed.
     */
    public boolean running(int attempt, String leaseTokenHash, List<String> writes) {
        if (attempt < this.attempt || attempt == this.attempt && closedAs != null) {
            return false;
        }
        boolean changed = attempt > this.attempt;
        if (changed) {
            this.attempt = attempt;
            this.leaseTokenHash = null;
            this.writes = null;
        }
        if (leaseTokenHash != null && !leaseTokenHash.equals(this.leaseTokenHash)) {
            this.leaseTokenHash = leaseTokenHash;
            changed = true;
        }
        if (writes != null && !writes.equals(this.writes)) {
            this.writes = List.copyOf(writes);
            changed = true;
        }
        if (changed) {
            this.updatedAt = Instant.now();
        }
        return changed;
    }

    /**
     * Ends {@code attempt}, which finished with {@code status} before any newer attempt was dispatched: from now on its
     * writes, and those of older attempts, are refused. An end of an older attempt than the current one changes
     * nothing; an end of a newer one (whose dispatch was missed) raises the fence to it, closed. False when nothing
     * changed.
     */
    public boolean close(int attempt, String status) {
        if (attempt < this.attempt || attempt == this.attempt && closedAs != null) {
            return false;
        }
        if (attempt > this.attempt) {
            this.attempt = attempt;
            this.leaseTokenHash = null;
            this.writes = null;
        }
        this.closedAs = status;
        this.updatedAt = Instant.now();
        return true;
    }

    public boolean closed() {
        return closedAs != null;
    }

    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "task_id", nullable = false)
        public String taskId;

        @Column(name = "subtask_id", nullable = false)
        public String subtaskId;

        protected Key() {
        }

        public Key(String taskId, String subtaskId) {
            this.taskId = taskId;
            this.subtaskId = subtaskId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && taskId.equals(other.taskId) && subtaskId.equals(other.subtaskId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(taskId, subtaskId);
        }
    }
}
