package dev.cohort.context.model;

import dev.cohort.contracts.model.Provider;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Who wrote a version or a conflicting write, with which model, in which attempt of which subtask, under which
 * lease token (see {@link SubtaskFenceEntity}).
 */
@Embeddable
public record Provenance(
        @Column(name = "author_role") String authorRole,
        @Column(name = "author_agent", nullable = false) String authorAgent,
        Provider provider,
        String model,
        @Column(name = "subtask_id") String subtaskId,
        Integer attempt,
        @Column(name = "lease_token") String leaseToken) {

    /** A person or process acting outside any subtask, e.g. a rollback. */
    public static Provenance of(String role, String agentId) {
        return new Provenance(role, agentId, null, null, null, null, null);
    }

    /** The author as one string, as events carry it: {@code backend/worker-1}, or just the id. */
    public String author() {
        return authorRole == null ? authorAgent : authorRole + "/" + authorAgent;
    }

    /** True when the write carries the (subtask, attempt) by which a retry is recognised. */
    public boolean identifiable() {
        return subtaskId != null && attempt != null;
    }

    /** The attempt for events, which carry 0 when there is none. */
    public int attemptOrZero() {
        return attempt == null ? 0 : attempt;
    }
}
