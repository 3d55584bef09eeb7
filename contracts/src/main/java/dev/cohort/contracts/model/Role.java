package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The roles of a Cohort team. The lead plans, merges and summarises; the others do the work. */
public enum Role {
    LEAD, ARCHITECT, BACKEND, FRONTEND, REVIEWER, TESTER, RESEARCHER, OPTIMIZER;

    /** The lower-case name used in topics, configuration and JSON. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role id case-insensitively.
     *
     * @throws IllegalArgumentException naming the known roles when the id is not one of them
     */
    @JsonCreator
    public static Role fromId(String id) {
        if (id != null) {
            for (Role role : values()) {
                if (role.id().equalsIgnoreCase(id.trim())) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("unknown role '" + id + "'; known roles: " + knownIds());
    }

    public static String knownIds() {
        return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
    }
}
