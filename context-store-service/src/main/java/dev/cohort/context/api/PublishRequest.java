package dev.cohort.context.api;

import static dev.cohort.context.rest.ArtifactRule.Rule.CONTENT;
import static dev.cohort.context.rest.ArtifactRule.Rule.KEY;
import static dev.cohort.context.rest.ArtifactRule.Rule.KIND;
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
 * A new version of an artifact: a worker's, written by one attempt of one subtask, or a person's. The author comes from
 * the caller's token; a person's {@code role} and {@code agentId} are ignored.
 */
@Schema(description = "A new version of an artifact. A worker's write names its attempt (subtaskId, attempt, "
        + "leaseToken) and is idempotent on (subtaskId, attempt, key); a person's names none and is recorded under "
        + "the person's name.")
public record PublishRequest(
        @Schema(required = true, example = "src/main/java/App.java", maxLength = Limits.KEY,
                description = "Path-like key: relative, '/'-separated, no '..', '.', empty segments or control characters")
        @ArtifactRule(KEY)
        String key,
        @Schema(required = true, example = "code") @ArtifactRule(KIND) ArtifactKind kind,
        @Schema(defaultValue = "text/plain", example = "text/x-java", maxLength = Limits.MEDIA_TYPE)
        @ArtifactRule(MEDIA_TYPE)
        String mediaType,
        @Schema(required = true, description = "Text content; at most cohort.context.max-content-bytes bytes of UTF-8"
                + " (1048576 by default), 413 above")
        @NotNull(message = "is required (it may be empty)") @ArtifactRule(CONTENT)
        String content,
        @Schema(description = "The version the writer read; absent or 0 to create the artifact. A stale base is a conflict.")
        @PositiveOrZero(message = RequestViolations.NOT_NEGATIVE)
        Long baseVersion,
        @Schema(example = "backend", maxLength = Limits.ROLE,
                description = "Role of the authoring agent; required for a worker, ignored for a person")
        @Text(max = Limits.ROLE)
        String role,
        @Schema(example = "worker-a/backend", maxLength = Limits.AGENT_ID,
                description = "The agent that wrote it, '<worker>/...' where <worker> is the worker's token subject;"
                        + " required for a worker, ignored for a person (the token names them)")
        @Text(max = Limits.AGENT_ID)
        String agentId,
        @Schema(example = "ollama") Provider provider,
        @Schema(example = "qwen2.5-coder:7b", maxLength = Limits.MODEL) @Text(max = Limits.MODEL) String model,
        @Schema(maxLength = Limits.SUBTASK_ID, description = "The subtask the worker's attempt runs; required for a"
                + " worker, refused (403) for a person")
        @Text(max = Limits.SUBTASK_ID)
        String subtaskId,
        @Schema(minimum = "1", description = "The dispatched attempt; required for a worker")
        @Min(value = 1, message = RequestViolations.AT_LEAST_ONE)
        Integer attempt,
        @Schema(maxLength = Limits.LEASE_TOKEN, description = "The dispatch's lease token; required for a worker."
                + " Checked against the hash the dispatch announced, never stored or returned")
        @Text(max = Limits.LEASE_TOKEN)
        String leaseToken) {
}
