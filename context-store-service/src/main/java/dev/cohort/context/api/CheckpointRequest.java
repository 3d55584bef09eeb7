package dev.cohort.context.api;

import static dev.cohort.context.rest.ArtifactRule.Rule.CHECKPOINT_NAME;

import dev.cohort.context.rest.ArtifactRule;
import dev.cohort.context.rest.Text;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Names the current artifact set of a task")
public record CheckpointRequest(
        @Schema(required = true, example = "before-refactor", maxLength = Limits.CHECKPOINT_NAME,
                description = "Letters, digits, '.', '_' and '-', at most 100")
        @ArtifactRule(CHECKPOINT_NAME)
        String name,
        @Schema(maxLength = Limits.CHECKPOINT_DESCRIPTION) @Text(max = Limits.CHECKPOINT_DESCRIPTION)
        String description,
        @Schema(maxLength = Limits.AGENT_ID, deprecated = true,
                description = "Ignored: the checkpoint is recorded as created by the caller")
        @Text(max = Limits.AGENT_ID)
        String createdBy) {
}
