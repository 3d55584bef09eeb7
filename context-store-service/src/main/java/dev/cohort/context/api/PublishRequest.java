package dev.cohort.context.api;

import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.Provider;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A new version of an artifact, written by one attempt of one subtask. */
@Schema(description = "A new version of an artifact. Idempotent on (subtaskId, attempt, key).")
public record PublishRequest(
        @Schema(required = true, example = "src/main/java/App.java", maxLength = Limits.KEY,
                description = "Path-like key: relative, '/'-separated, no '..', '.', empty segments or control characters")
        String key,
        @Schema(required = true, example = "code") ArtifactKind kind,
        @Schema(defaultValue = "text/plain", example = "text/x-java", maxLength = Limits.MEDIA_TYPE) String mediaType,
        @Schema(required = true, description = "Text content; at most cohort.context.max-content-bytes bytes of UTF-8"
                + " (1048576 by default), 413 above")
        String content,
        @Schema(description = "The version the writer read; absent or 0 to create the artifact. A stale base is a conflict.")
        Long baseVersion,
        @Schema(required = true, example = "backend", maxLength = Limits.ROLE, description = "Role of the author")
        String role,
        @Schema(required = true, example = "worker-7f3a", maxLength = Limits.AGENT_ID,
                description = "Agent instance (or person) that wrote it")
        String agentId,
        @Schema(example = "ollama") Provider provider,
        @Schema(example = "qwen2.5-coder:7b", maxLength = Limits.MODEL) String model,
        @Schema(required = true, maxLength = Limits.SUBTASK_ID) String subtaskId,
        @Schema(required = true, minimum = "1") Integer attempt,
        @Schema(maxLength = Limits.LEASE_TOKEN, description = "The dispatch's lease token. Once the current attempt's"
                + " writes carried one, another token with the same attempt is refused as stale (409 stale-attempt)")
        String leaseToken) {
}
