package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.orchestrator.rest.ConfiguredLength.Limit;
import dev.cohort.orchestrator.service.WorkflowTemplates;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/tasks}; every field is optional but the description. {@link TaskRequests} reads it. */
public record SubmitTaskRequest(
        @Schema(description = "Short name; defaults to the description's first line", example = "Todo API")
        @Size(max = TaskRequests.MAX_TITLE, message = Violations.AT_MOST)
        String title,
        @Schema(description = "What the team should build", required = true,
                example = "Build a todo REST API with a web front end")
        @NotBlank(message = "is required: say what the team should build")
        @ConfiguredLength(Limit.DESCRIPTION)
        String description,
        @Schema(description = "Roles of the team; empty means the default team", example = "[\"architect\", \"backend\"]")
        List<@NotBlank @KnownId(Role.class) String> roles,
        @Schema(description = "auto (default) or manual: wait for a person to approve the plan", example = "auto")
        @KnownId(ApprovalMode.class)
        String approvalMode,
        @Schema(description = "Spending cap in US dollars; the task pauses when it is reached", example = "2.50",
                implementation = String.class)
        @UsdAmount
        Object budgetUsd,
        @Schema(description = "A workflow template to run instead of planning", example = "code-review")
        @KnownId(WorkflowTemplates.class)
        String template) {
}
