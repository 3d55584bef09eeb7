package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;
import java.util.List;

/** What an agent reports about its work, passed to the subtasks that depend on it. */
public record StructuredSummary(String status, List<String> keyPoints, String recommendation) {
    public StructuredSummary {
        Required.field(status, "status");
        keyPoints = Required.list(keyPoints);
    }
}
