package dev.cohort.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "cohort.orchestrator")
public interface OrchestratorConfig {

    /** How often the outbox relay looks for events to publish (it also runs right after each change). */
    @WithDefault("200ms")
    Duration outboxInterval();

    /** How many outbox events the relay publishes per transaction. */
    @WithDefault("200")
    int outboxBatchSize();

    /** The longest task description accepted, in characters. */
    @WithDefault("20000")
    int maxDescriptionLength();

    /** How long a running attempt lives without a heartbeat before it is reclaimed and dispatched again. */
    @WithDefault("30s")
    Duration leaseTtl();

    /** How often expired leases and due retries are looked for. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Attempts per subtask before it fails (a failed model call, invalid output or an expired lease each count). */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the first retry of a failed attempt; it doubles with each further attempt, with jitter. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** The longest wait before a retry. */
    @WithDefault("30s")
    Duration maxRetryBackoff();

    /** How many times an invalid plan is sent back to the lead with its errors before the task fails. */
    @WithDefault("2")
    int planSendBacks();

    /** The most subtasks a plan may have. */
    @WithDefault("30")
    int maxPlanSubtasks();
}
