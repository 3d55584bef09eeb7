package dev.cohort.context.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Who rolls a task back to a checkpoint")
public record RollbackRequest(
        @Schema(required = true, example = "alice") String requestedBy,
        @Schema(example = "lead") String role) {
}
