package dev.cohort.contracts.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.cohort.contracts.Required;
import java.time.Instant;

/**
 * Progress of a running attempt: its phase, the tokens generated so far, and the text the model wrote since the
 * previous progress event ({@code text}: at most {@link #TEXT} characters, its end; null when there is none), so a
 * person can watch an agent write without an event per token.
 */
@JsonTypeName("agent.progress")
public record AgentProgress(
        String eventId,
        String taskId,
        Instant occurredAt,
        int schemaVersion,
        String subtaskId,
        int attempt,
        String leaseToken,
        String agentId,
        String phase,
        long tokens,
        String text) implements AgentEvent {

    /** The most text one progress event carries. */
    public static final int TEXT = 2000;

    public AgentProgress {
        schemaVersion = Events.envelope(eventId, taskId, occurredAt, schemaVersion);
        Events.attempt(subtaskId, attempt, leaseToken, agentId);
        Required.field(phase, "phase");
        text = text == null || text.length() <= TEXT ? text : "…" + text.substring(text.length() - TEXT + 1);
    }

    /** A new event with a fresh id, the current time and the current schema version. */
    public AgentProgress(String taskId,
                          String subtaskId,
                          int attempt,
                          String leaseToken,
                          String agentId,
                          String phase,
                          long tokens) {
        this(taskId, subtaskId, attempt, leaseToken, agentId, phase, tokens, null);
    }

    /** As above, with the text written since the previous progress event. */
    public AgentProgress(String taskId,
                          String subtaskId,
                          int attempt,
                          String leaseToken,
                          String agentId,
                          String phase,
                          long tokens,
                          String text) {
        this(Events.newId(), taskId, Events.now(), CohortEvent.SCHEMA_VERSION, subtaskId, attempt,
                leaseToken, agentId, phase, tokens, text);
    }
}
