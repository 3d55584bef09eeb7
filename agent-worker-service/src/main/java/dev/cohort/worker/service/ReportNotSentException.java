package dev.cohort.worker.service;

import dev.cohort.contracts.event.AgentEvent;

/**
 * Kafka did not take a report of an attempt within the outage window. What the dispatch's record then needs
 * depends on whether the orchestrator holds a lease on the attempt: with one, the lease runs out and the attempt
 * is reclaimed, so the record is done with; without one (nothing has started), only the record coming back gets
 * the subtask run.
 */
public class ReportNotSentException extends RuntimeException {

    private final transient AgentEvent event;
    private final boolean leaseHeld;

    public ReportNotSentException(AgentEvent event, boolean leaseHeld, Throwable cause) {
        super(event.type() + " of attempt " + event.attempt() + " of subtask " + event.subtaskId() + " (task "
                + event.taskId() + ") was not sent: " + cause.getMessage(), cause);
        this.event = event;
        this.leaseHeld = leaseHeld;
    }

    public AgentEvent event() {
        return event;
    }

    /** True once the orchestrator may have seen the attempt start: its lease, not the record, recovers it. */
    public boolean leaseHeld() {
        return leaseHeld;
    }
}
