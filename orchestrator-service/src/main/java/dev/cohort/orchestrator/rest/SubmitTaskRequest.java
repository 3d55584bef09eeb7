package dev.cohort.orchestrator.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/tasks}. Checked by {@link TaskRequests}; every field is optional but the description. */
public record SubmitTaskRequest(
        @Schema(description = "Short name; defaults to the description's first line", example = "Todo API")
        String title,
        @Schema(description = "What the team should build", required = true,
                example = "Build a todo REST API with a web front end")
        String description,
        @Schema(description = "Roles of the team; empty means the default team", example = "[\"architect\", \"backend\"]")
        List<String> roles,
        @Schema(description = "auto (default) or manual: wait for a person to approve the plan", example = "auto")
        String approvalMode,
        @Schema(description = "Spending cap in US dollars; the task pauses when it is reached", example = "2.50",
                implementation = String.class)
        Object budgetUsd,
        @Schema(description = "A workflow template to run instead of planning", example = "code-review")
        String template) {
}
