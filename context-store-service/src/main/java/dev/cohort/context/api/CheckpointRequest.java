package dev.cohort.context.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Names the current artifact set of a task")
public record CheckpointRequest(
        @Schema(required = true, example = "before-refactor", description = "Letters, digits, '.', '_' and '-', at most 100")
        String name,
        String description,
        @Schema(required = true, example = "orchestrator") String createdBy) {
}
