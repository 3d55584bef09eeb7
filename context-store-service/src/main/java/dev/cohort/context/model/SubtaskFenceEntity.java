package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The current attempt of one subtask as the context store knows it. It only rises: a dispatch event or a write of a
 * newer attempt raises it, and writes of older attempts are refused. An event that says the current attempt ended
 * (without a successor yet) closes it, and its writes are refused as well until a newer attempt opens the fence again.
 */
@Entity
@Table(name = "subtask_fence")
public class SubtaskFenceEntity {

    /** Whether a write may go ahead. */
    public enum Admission {
        ADMITTED,
        /** The write's attempt is older than the current one. */
        STALE_ATTEMPT,
        /** The write names the current attempt but carries another lease token than that attempt's. */
        OTHER_LEASE,
        /** The write names the current attempt, which has ended. */
        ATTEMPT_OVER
    }

    @EmbeddedId
    public Key id;

    @Column(nullable = false)
    public int attempt;

    /** Null until a write of the current attempt carried one. */
    @Column(name = "lease_token")
    public String leaseToken;

    /** The subtask status that ended the current attempt, e.g. {@code pending}; null while that attempt may write. */
    @Column(name = "closed_as")
    public String closedAs;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * Decides on a write of {@code attempt} and raises the fence when the write is newer: writes may reach the store
     * before the event that announces their attempt. The first lease token seen for the current attempt is kept.
     */
    public Admission admit(int attempt, String leaseToken) {
        if (attempt < this.attempt) {
            return Admission.STALE_ATTEMPT;
        }
        if (attempt > this.attempt) {
            this.attempt = attempt;
            this.leaseToken = leaseToken;
            this.closedAs = null;
            this.updatedAt = Instant.now();
            return Admission.ADMITTED;
        }
        if (closedAs != null) {
            return Admission.ATTEMPT_OVER;
        }
        if (leaseToken == null || leaseToken.equals(this.leaseToken)) {
            return Admission.ADMITTED;
        }
        if (this.leaseToken == null) {
            this.leaseToken = leaseToken;
            this.updatedAt = Instant.now();
            return Admission.ADMITTED;
        }
        return Admission.OTHER_LEASE;
    }

    /** Raises the fence to an announced attempt; false when it was already there or beyond. */
    public boolean announce(int attempt) {
        if (attempt <= this.attempt) {
            return false;
        }
        this.attempt = attempt;
        // the new attempt's token is not in the event; its first write brings it
        this.leaseToken = null;
        this.closedAs = null;
        this.updatedAt = Instant.now();
        return true;
    }

    /**
     * Ends {@code attempt}, which finished with {@code status} before any newer attempt was announced: from now on its
     * writes, and those of older attempts, are refused. An end of an older attempt than the current one changes
     * nothing; an end of a newer one (whose announcement was missed) raises the fence to it, closed. False when
     * nothing changed.
     */
    public boolean close(int attempt, String status) {
        if (attempt < this.attempt || attempt == this.attempt && closedAs != null) {
            return false;
        }
        if (attempt > this.attempt) {
            this.attempt = attempt;
            this.leaseToken = null;
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
