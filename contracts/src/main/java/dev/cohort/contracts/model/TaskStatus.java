package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a task is in its life. */
public enum TaskStatus {
    SUBMITTED, PLANNING, AWAITING_APPROVAL, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static TaskStatus fromId(String id) {
        return LowerCaseEnum.parse(TaskStatus.class, "task status", id);
    }
}
