package dev.cohort.simulator.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a fault rule does to a matching call. */
public enum FaultAction {
    /** Answer with an HTTP error status (default 500). */
    FAIL,
    /** Answer 429 with a Retry-After header. */
    RATE_LIMIT,
    /** Send nothing (afterTokens 0) or stop after afterTokens tokens, for hangMs or until the client gives up. */
    HANG,
    /** Close the connection after afterTokens tokens (mid-stream), or before any answer without streaming. */
    DROP,
    /** A plan that parses as JSON but breaks the plan rules: unknown role, missing dependency, duplicate id. */
    INVALID_PLAN,
    /** A well-formed plan whose dependencies form a cycle. */
    CYCLIC_PLAN,
    /** Prose where JSON was asked for. */
    NOT_JSON;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static FaultAction fromId(String id) {
        for (FaultAction action : values()) {
            if (action.id().equalsIgnoreCase(String.valueOf(id).trim())) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown fault action '" + id + "'; expected one of: "
                + Arrays.stream(values()).map(FaultAction::id).collect(Collectors.joining(", ")));
    }

    /** True for actions that change the answer's content rather than the transport. */
    public boolean altersAnswer() {
        return this == INVALID_PLAN || this == CYCLIC_PLAN || this == NOT_JSON;
    }
}
