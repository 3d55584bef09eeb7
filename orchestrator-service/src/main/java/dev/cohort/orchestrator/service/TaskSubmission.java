package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import java.math.BigDecimal;
import java.util.List;

/** A validated request to run a task. */
public record TaskSubmission(String title, String description, List<Role> roles, ApprovalMode approvalMode,
                             BigDecimal budgetUsd, String template) {
}
