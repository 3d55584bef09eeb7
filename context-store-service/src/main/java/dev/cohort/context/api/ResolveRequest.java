package dev.cohort.context.api;

import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The merged content that resolves a conflict; it becomes the latest version of the key. A merge attempt (worker)
 * names its attempt and is fenced like a publish; a person's merge is recorded under the person's name.
 */
@Schema(description = "Merged content resolving a conflict")
public record ResolveRequest(
        @Schema(required = true, description = "At most cohort.context.max-content-bytes bytes of UTF-8, 413 above")
        String content,
        @Schema(description = "Defaults to the conflicting write's kind") ArtifactKind kind,
        @Schema(description = "Defaults to the conflicting write's media type", maxLength = Limits.MEDIA_TYPE)
        String mediaType,
        @Schema(description = "The latest version the merger read; when given and no longer latest, the merge is refused with 409")
        Long baseVersion,
        @Schema(example = "lead", maxLength = Limits.ROLE, description = "Required for a worker, ignored for a person")
        String role,
        @Schema(example = "worker-a/lead", maxLength = Limits.AGENT_ID,
                description = "'<worker>/...'; required for a worker, ignored for a person")
        String agentId,
        Provider provider,
        @Schema(maxLength = Limits.MODEL) String model,
        @Schema(description = "The merge subtask; required for a worker, whose merge is fenced like a publish to the"
                + " conflict's key", maxLength = Limits.SUBTASK_ID)
        String subtaskId,
        @Schema(description = "Required for a worker", minimum = "1") Integer attempt,
        @Schema(maxLength = Limits.LEASE_TOKEN, description = "Required for a worker; never stored or returned")
        String leaseToken) {
}
