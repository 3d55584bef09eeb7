package dev.cohort.context.api;

import dev.cohort.context.rest.Text;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Kept for older clients: who rolls back is the caller, and the body may be left out. */
@Schema(description = "Ignored: a rollback is recorded under the caller's name")
public record RollbackRequest(
        @Schema(maxLength = Limits.AGENT_ID, deprecated = true, description = "Ignored") @Text(max = Limits.AGENT_ID)
        String requestedBy,
        @Schema(maxLength = Limits.ROLE, deprecated = true, description = "Ignored") @Text(max = Limits.ROLE)
        String role) {
}
