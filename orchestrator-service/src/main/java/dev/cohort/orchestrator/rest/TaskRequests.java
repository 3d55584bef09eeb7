package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.service.TaskSubmission;
import dev.cohort.orchestrator.service.WorkflowTemplates;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Checks a submitted task and says what to fix; all problems at once, so a caller fixes them in one go. */
@ApplicationScoped
public class TaskRequests {

    static final int MAX_TITLE = 200;

    private final OrchestratorConfig config;

    public TaskRequests(OrchestratorConfig config) {
        this.config = config;
    }

    public TaskSubmission validate(SubmitTaskRequest request) {
        if (request == null) {
            throw ApiException.badRequest("request body is missing: send JSON with at least a 'description'");
        }
        List<String> problems = new ArrayList<>();
        String description = request.description() == null ? "" : request.description().strip();
        if (description.isEmpty()) {
            problems.add("'description' is required: say what the team should build");
        } else if (description.length() > config.maxDescriptionLength()) {
            problems.add("'description' has " + description.length() + " characters; the limit is "
                    + config.maxDescriptionLength());
        }
        String title;
        if (request.title() != null && !request.title().isBlank()) {
            title = request.title().strip();
            if (title.length() > MAX_TITLE) {
                problems.add("'title' has " + title.length() + " characters; the limit is " + MAX_TITLE);
            }
        } else {
            String firstLine = description.lines().findFirst().orElse("").strip();
            title = firstLine.length() > MAX_TITLE ? firstLine.substring(0, MAX_TITLE - 1) + "…" : firstLine;
        }
        LinkedHashSet<Role> roles = new LinkedHashSet<>();
        for (String id : request.roles() == null ? List.<String>of() : request.roles()) {
            try {
                roles.add(Role.fromId(id));
            } catch (IllegalArgumentException e) {
                problems.add("'roles': " + e.getMessage());
            }
        }
        ApprovalMode mode = ApprovalMode.AUTO;
        if (request.approvalMode() != null && !request.approvalMode().isBlank()) {
            try {
                mode = ApprovalMode.fromId(request.approvalMode());
            } catch (IllegalArgumentException e) {
                problems.add("'approvalMode': " + e.getMessage());
            }
        }
        BigDecimal budget = null;
        if (request.budgetUsd() != null) {
            budget = parseBudget(request.budgetUsd());
            if (budget == null) {
                problems.add("'budgetUsd' must be a positive amount of US dollars such as 2.50, was '"
                        + request.budgetUsd() + "'");
            }
        }
        String template = request.template() == null || request.template().isBlank() ? null : request.template().strip();
        if (template != null && !WorkflowTemplates.known(template)) {
            problems.add("'template': unknown template '" + template + "'; known: "
                    + String.join(", ", WorkflowTemplates.names()));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        return new TaskSubmission(title, description, List.copyOf(roles), mode, budget, template);
    }

    private static BigDecimal parseBudget(Object raw) {
        try {
            BigDecimal value = new BigDecimal(raw.toString().strip());
            return value.signum() > 0 && value.scale() <= 6 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
