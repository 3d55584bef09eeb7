package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import dev.cohort.contracts.model.Role;
import java.time.Instant;

/**
 * An agent working through tools called one: which tool in which turn, its arguments and its result as short
 * excerpts (at most {@link #EXCERPT} characters each, never an artifact's whole content), and how the call ended:
 * {@code ok}, {@code error} (the tool failed; the model was told why), {@code invalid} (the arguments did not fit the
 * tool's schema, or the tool is unknown), {@code conflict} (a write against an artifact that changed since the agent
 * read it) or {@code denied} (a command the role may not run).
 */
@JsonTypeName("agent.tool-called")
public record AgentToolCalled(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId,
        Role role,
        int turn,
        String tool,
        String arguments,
        String outcome,
        String result,
        long durationMillis) implements AgentEvent {

    /** The longest excerpt of arguments or result an event carries. */
    public static final int EXCERPT = 400;

    public AgentToolCalled {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(role, "role");
        Required.positive(turn, "turn");
        Required.field(tool, "tool");
        Required.field(outcome, "outcome");
        arguments = excerpt(arguments);
        result = excerpt(result);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentToolCalled(String taskId,
                           String subtaskId,
                           int attempt,
                           String leaseToken,
                           String agentId,
                           Role role,
                           int turn,
                           String tool,
                           String arguments,
                           String outcome,
                           String result,
                           long durationMillis) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt, leaseToken, agentId,
                role, turn, tool, arguments, outcome, result, durationMillis);
    }

    /** The text cut to {@link #EXCERPT} characters, with a mark where it was cut. */
    public static String excerpt(String text) {
        if (text == null || text.length() <= EXCERPT) {
            return text;
        }
        return text.substring(0, EXCERPT - 1) + "…";
    }
}
