package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;
import java.util.List;

/** One node of a task's plan: who does what, after which other nodes, reading and writing which artifacts. */
public record PlannedSubtask(String id, Role role, String title, String instructions,
                             List<String> dependsOn, List<String> reads, List<String> writes) {
    public PlannedSubtask {
        Required.field(id, "id");
        Required.field(role, "role");
        Required.field(title, "title");
        instructions = instructions == null ? "" : instructions;
        dependsOn = Required.list(dependsOn);
        reads = Required.list(reads);
        writes = Required.list(writes);
    }
}
