package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a message between agents (or from a person) is. */
public enum MessageKind {
    QUESTION, ANSWER, NOTE, BROADCAST;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static MessageKind fromId(String id) {
        return LowerCaseEnum.parse(MessageKind.class, "message kind", id);
    }
}
