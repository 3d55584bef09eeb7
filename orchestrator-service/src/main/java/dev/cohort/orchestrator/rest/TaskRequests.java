package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.orchestrator.service.TaskSubmission;
import dev.cohort.orchestrator.service.WorkflowTemplates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Turns a submitted task into a {@link TaskSubmission} with its defaults, for the REST API, the MCP tools and A2A
 * alike. The request's constraints say what is wrong with it, all problems at once, so a caller fixes them in one go.
 */
@ApplicationScoped
public class TaskRequests {

    static final int MAX_TITLE = 200;

    private final Validator validator;

    public TaskRequests(Validator validator) {
        this.validator = validator;
    }

    /** @throws jakarta.validation.ConstraintViolationException when the request breaks its constraints */
    public TaskSubmission validate(SubmitTaskRequest request) {
        if (request == null) {
            throw ApiException.badRequest("request body is missing: send JSON with at least a 'description'");
        }
        Violations.check(validator, request);
        String description = request.description().strip();
        String title;
        if (request.title() != null && !request.title().isBlank()) {
            title = request.title().strip();
        } else {
            String firstLine = description.lines().findFirst().orElse("").strip();
            title = firstLine.length() > MAX_TITLE ? firstLine.substring(0, MAX_TITLE - 1) + "…" : firstLine;
        }
        LinkedHashSet<Role> roles = new LinkedHashSet<>();
        for (String id : request.roles() == null ? List.<String>of() : request.roles()) {
            roles.add(Role.fromId(id));
        }
        ApprovalMode mode = request.approvalMode() == null || request.approvalMode().isBlank()
                ? ApprovalMode.AUTO : ApprovalMode.fromId(request.approvalMode());
        String template = request.template() == null || request.template().isBlank()
                ? null : WorkflowTemplates.fromId(request.template());
        return new TaskSubmission(title, description, List.copyOf(roles), mode, UsdAmount.Check.parse(request.budgetUsd()),
                template);
    }
}
