package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a person approves the plan before it runs. */
public enum ApprovalMode {
    AUTO, MANUAL;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static ApprovalMode fromId(String id) {
        return LowerCaseEnum.parse(ApprovalMode.class, "approval mode", id);
    }
}
