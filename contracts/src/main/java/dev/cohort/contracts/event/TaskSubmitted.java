package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A person (or a tool) submitted a task. */
@JsonTypeName("task.submitted")
public record TaskSubmitted(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String title,
        String description,
        List<Role> roles,
        ApprovalMode approvalMode,
        BigDecimal budgetUsd,
        String template) implements TaskEvent {

    public TaskSubmitted {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Required.field(title, "title");
        Required.field(description, "description");
        roles = Required.list(roles);
        Required.field(approvalMode, "approvalMode");
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public TaskSubmitted(String taskId,
                          String title,
                          String description,
                          List<Role> roles,
                          ApprovalMode approvalMode,
                          BigDecimal budgetUsd,
                          String template) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, title, description, roles,
                approvalMode, budgetUsd, template);
    }
}
