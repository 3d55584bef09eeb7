package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an artifact in the context store is. */
public enum ArtifactKind {
    CODE, SPEC, API_CONTRACT, TEST, REVIEW, PLAN, SUMMARY, NOTE;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static ArtifactKind fromId(String id) {
        return LowerCaseEnum.parse(ArtifactKind.class, "artifact kind", id);
    }
}
