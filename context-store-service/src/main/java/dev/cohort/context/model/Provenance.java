package dev.cohort.context.model;

import dev.cohort.contracts.model.Provider;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Who wrote a version or a conflicting write, with which model, in which attempt of which subtask. A worker's write
 * names its agent ({@code worker-a/backend}) and its subtask's attempt; a person's write names only the person, as
 * their token does. Lease tokens are checked against the subtask's fence (see {@link SubtaskFenceEntity}) and never
 * stored.
 */
@Embeddable
public record Provenance(
        @Column(name = "author_role") String authorRole,
        @Column(name = "author_agent", nullable = false) String authorAgent,
        Provider provider,
        String model,
        @Column(name = "subtask_id") String subtaskId,
        Integer attempt) {

    /** A person acting outside any subtask: a person's publish, delete, merge or rollback. */
    public static Provenance person(String name) {
        return new Provenance(null, name, null, null, null, null);
    }

    /** The author as one string, as events carry it: {@code backend/worker-a/backend}, or just the person. */
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
