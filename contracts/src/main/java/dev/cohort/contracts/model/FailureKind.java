package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why an attempt failed; the orchestrator decides retries and escalation from it. */
public enum FailureKind {
    CONNECT_TIMEOUT, FIRST_TOKEN_TIMEOUT, TOTAL_TIMEOUT, STALLED, RATE_LIMITED, SERVER_ERROR, BAD_REQUEST, AUTHENTICATION, TRUNCATED_STREAM, INVALID_OUTPUT, CANCELLED, INTERNAL;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static FailureKind fromId(String id) {
        return LowerCaseEnum.parse(FailureKind.class, "failure kind", id);
    }
}
