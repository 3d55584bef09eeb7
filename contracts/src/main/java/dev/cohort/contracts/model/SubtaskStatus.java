package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where one node of a task's graph is. */
public enum SubtaskStatus {
    PENDING, DISPATCHED, RUNNING, DONE, FAILED, SKIPPED, CANCELLED;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static SubtaskStatus fromId(String id) {
        return LowerCaseEnum.parse(SubtaskStatus.class, "subtask status", id);
    }
}
