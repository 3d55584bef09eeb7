package dev.cohort.context.api;

import static dev.cohort.context.rest.ArtifactRule.Rule.CONTENT;
import static dev.cohort.context.rest.ArtifactRule.Rule.MEDIA_TYPE;

import dev.cohort.context.rest.ArtifactRule;
import dev.cohort.context.rest.RequestViolations;
import dev.cohort.context.rest.Text;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The merged content that resolves a conflict; it becomes the latest version of the key. A merge attempt (worker)
 * names its attempt and is fenced like a publish; a person's merge is recorded under the person's name.
 */
@Schema(description = "Merged content resolving a conflict")
public record ResolveRequest(
        @Schema(required = true, description = "At most cohort.context.max-content-bytes bytes of UTF-8, 413 above")
        @NotNull(message = "is required: the merged content") @ArtifactRule(CONTENT)
        String content,
        @Schema(description = "Defaults to the conflicting write's kind") ArtifactKind kind,
        @Schema(description = "Defaults to the conflicting write's media type", maxLength = Limits.MEDIA_TYPE)
        @ArtifactRule(MEDIA_TYPE)
        String mediaType,
        @Schema(description = "The latest version the merger read; when given and no longer latest, the merge is refused with 409")
        @PositiveOrZero(message = RequestViolations.NOT_NEGATIVE)
        Long baseVersion,
        @Schema(example = "lead", maxLength = Limits.ROLE, description = "Required for a worker, ignored for a person")
        @Text(max = Limits.ROLE)
        String role,
        @Schema(example = "worker-a/lead", maxLength = Limits.AGENT_ID,
                description = "'<worker>/...'; required for a worker, ignored for a person")
        @Text(max = Limits.AGENT_ID)
        String agentId,
        Provider provider,
        @Schema(maxLength = Limits.MODEL) @Text(max = Limits.MODEL) String model,
        @Schema(description = "The merge subtask; required for a worker, whose merge is fenced like a publish to the"
                + " conflict's key", maxLength = Limits.SUBTASK_ID)
        @Text(max = Limits.SUBTASK_ID)
        String subtaskId,
        @Schema(description = "Required for a worker", minimum = "1")
        @Min(value = 1, message = RequestViolations.AT_LEAST_ONE)
        Integer attempt,
        @Schema(maxLength = Limits.LEASE_TOKEN, description = "Required for a worker; never stored or returned")
        @Text(max = Limits.LEASE_TOKEN)
        String leaseToken) {
}
