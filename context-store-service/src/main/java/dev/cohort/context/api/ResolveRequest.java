package dev.cohort.context.api;

import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The merged content that resolves a conflict; it becomes the latest version of the key. */
@Schema(description = "Merged content resolving a conflict")
public record ResolveRequest(
        @Schema(required = true, description = "At most cohort.context.max-content-bytes bytes of UTF-8, 413 above")
        String content,
        @Schema(description = "Defaults to the conflicting write's kind") ArtifactKind kind,
        @Schema(description = "Defaults to the conflicting write's media type", maxLength = Limits.MEDIA_TYPE)
        String mediaType,
        @Schema(description = "The latest version the merger read; when given and no longer latest, the merge is refused with 409")
        Long baseVersion,
        @Schema(required = true, example = "lead", maxLength = Limits.ROLE) String role,
        @Schema(required = true, maxLength = Limits.AGENT_ID) String agentId,
        Provider provider,
        @Schema(maxLength = Limits.MODEL) String model,
        @Schema(description = "The merge subtask; its writes are fenced like a publish's", maxLength = Limits.SUBTASK_ID)
        String subtaskId,
        @Schema(description = "Required with subtaskId", minimum = "1") Integer attempt,
        @Schema(maxLength = Limits.LEASE_TOKEN) String leaseToken) {
}
