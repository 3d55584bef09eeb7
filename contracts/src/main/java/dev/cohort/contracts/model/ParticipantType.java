package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who sends or receives a message: a person, one agent instance, every agent of a role, or the whole team. */
public enum ParticipantType {
    PERSON, AGENT, ROLE, TEAM;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static ParticipantType fromId(String id) {
        return LowerCaseEnum.parse(ParticipantType.class, "participant type", id);
    }
}
