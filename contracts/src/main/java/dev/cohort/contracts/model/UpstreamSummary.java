package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;
import java.util.List;

/** The summary of a finished dependency, carried in a dispatch so the worker needs no second look-up. */
public record UpstreamSummary(String subtaskId, Role role, String title, StructuredSummary summary, List<String> artifacts) {
    public UpstreamSummary {
        Required.field(subtaskId, "subtaskId");
        Required.field(role, "role");
        Required.field(summary, "summary");
        artifacts = Required.list(artifacts);
    }
}
