package dev.cohort.context.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Who rolls a task back to a checkpoint")
public record RollbackRequest(
        @Schema(required = true, example = "alice", maxLength = Limits.AGENT_ID) String requestedBy,
        @Schema(example = "lead", maxLength = Limits.ROLE) String role) {
}
