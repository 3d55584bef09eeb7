package dev.cohort.context.api;

import static dev.cohort.context.rest.ArtifactRule.Rule.KEY;

import dev.cohort.context.rest.ArtifactRule;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "The artifacts to read, by key")
public record LatestRequest(
        @Schema(required = true, maxItems = Limits.KEYS_PER_READ, example = "[\"spec/api.md\", \"src/Todo.java\"]")
        @NotNull(message = "keys is required: the artifact keys to read")
        @Size(max = Limits.KEYS_PER_READ, message = "may hold at most {max} keys; read more in several requests")
        List<@ArtifactRule(KEY) String> keys) {
}
