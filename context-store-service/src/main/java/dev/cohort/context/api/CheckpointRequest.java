package dev.cohort.context.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Names the current artifact set of a task")
public record CheckpointRequest(
        @Schema(required = true, example = "before-refactor", maxLength = Limits.CHECKPOINT_NAME,
                description = "Letters, digits, '.', '_' and '-', at most 100")
        String name,
        @Schema(maxLength = Limits.CHECKPOINT_DESCRIPTION) String description,
        @Schema(maxLength = Limits.AGENT_ID, deprecated = true,
                description = "Ignored: the checkpoint is recorded as created by the caller")
        String createdBy) {
}
