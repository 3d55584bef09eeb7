package dev.cohort.context.model;

import java.util.Locale;

public enum ConflictStatus {
    PENDING, RESOLVED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConflictStatus fromId(String id) {
        for (ConflictStatus status : values()) {
            if (status.id().equalsIgnoreCase(id)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown conflict status '" + id + "'; expected pending or resolved");
    }
}
