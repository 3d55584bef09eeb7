package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a subtask asks of its role: the lead plans, merges and summarises; other roles work or answer. */
public enum SubtaskKind {
    PLAN, WORK, MERGE, SUMMARY, ANSWER;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static SubtaskKind fromId(String id) {
        return LowerCaseEnum.parse(SubtaskKind.class, "subtask kind", id);
    }
}
