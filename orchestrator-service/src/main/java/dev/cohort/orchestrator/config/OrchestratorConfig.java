package dev.cohort.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import dev.cohort.contracts.model.Role;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "cohort.orchestrator")
public interface OrchestratorConfig {

    /** How often the outbox relay looks for events to publish (it also runs right after each change). */
    @WithDefault("200ms")
    Duration outboxInterval();

    /** How many outbox events the relay publishes per transaction. */
    @WithDefault("200")
    int outboxBatchSize();

    /** The longest a relay round waits for Kafka to acknowledge its batch before it tries again. */
    @WithDefault("15s")
    Duration outboxSendTimeout();

    /** How long published outbox rows are kept before they are pruned. */
    @WithDefault("1h")
    Duration outboxRetention();

    /**
     * How long a consumer retries a record that fails for a reason it does not recognise as transient before it
     * dead-letters the record. Transient failures (database or broker away, timeouts) are retried until they succeed.
     */
    @WithDefault("30s")
    Duration unknownFailureRetries();

    /**
     * How long a dispatched attempt may wait for a worker to start it before it is dispatched again as a new attempt
     * (a record lost to the share group's delivery limit, a failed dead-letter send or retention). Not a failure.
     */
    @WithDefault("5m")
    Duration dispatchDeadline();

    /** The longest task description accepted, in characters. */
    @WithDefault("20000")
    int maxDescriptionLength();

    /** How long a running attempt lives without a heartbeat before it is reclaimed and dispatched again. */
    @WithDefault("30s")
    Duration leaseTtl();

    /**
     * After the broker is back (or the orchestrator starts), how long workers get besides a lease TTL before any
     * lease is reclaimed: their producers wait up to their {@code max.block.ms} (10 s) for the broker's metadata
     * before the heartbeats they held reach Kafka.
     */
    @WithDefault("15s")
    Duration reportCatchUp();

    /** How often expired leases and due retries are looked for. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** How often the workload metrics (tasks by status, subtasks per role and status) are read from the database. */
    @WithDefault("15s")
    Duration metricsInterval();

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

    /**
     * Fix rounds after a check in the sandbox failed: each sends the failing output to the authors of the checked
     * files, adds a fix subtask for each and a new check after them. 0 turns the verify loop off.
     */
    @WithDefault("2")
    int maxFixRounds();

    /** Failed attempts (errors, timeouts, invalid output, expired leases) after which the role's escalation model runs. */
    @WithDefault("2")
    int escalateAfter();

    /** Per-role overrides, e.g. {@code cohort.orchestrator.roles.lead.max-attempts=4}. */
    Map<String, RoleOverrides> roles();

    /**
     * Task submissions and commands one caller (a token's principal) may send per minute, as a steady rate; more
     * are answered 429 with Retry-After. Counted per orchestrator replica.
     */
    @WithDefault("120")
    int commandsPerMinute();

    /** How many submissions and commands a caller may send at once, above the steady rate. */
    @WithDefault("30")
    int commandBurst();

    /** Tasks one caller may have under way (not completed, failed or cancelled); a further submit is answered 429. */
    @WithDefault("20")
    int maxUnfinishedTasksPerCaller();

    /**
     * The service token the orchestrator shows the context store when it reads artifacts for an MCP client
     * ({@code COHORT_ORCHESTRATOR_TOKEN}, groups {@code [orchestrator]}); a secret, from the environment.
     */
    Optional<String> token();

    /** The longest message accepted, from a person or an agent, in characters. */
    @WithDefault("8000")
    int maxMessageLength();

    /** The most messages the agent of one subtask may send. */
    @WithDefault("5")
    int maxMessagesPerSubtask();

    /** Tokens a subtask is expected to use when there is no history for its role. */
    @WithDefault("4000")
    long estimateTokens();

    /** Seconds a subtask is expected to take when there is no history for its role. */
    @WithDefault("60")
    long estimateSeconds();

    /** Price per million tokens for estimates when there is no history with costs; 0 for local models. */
    @WithDefault("0")
    BigDecimal estimateUsdPerMillionTokens();

    default int maxAttempts(Role role) {
        RoleOverrides o = roles().get(role.id());
        return o == null ? maxAttempts() : o.maxAttempts().orElse(maxAttempts());
    }

    default int escalateAfter(Role role) {
        RoleOverrides o = roles().get(role.id());
        return o == null ? escalateAfter() : o.escalateAfter().orElse(escalateAfter());
    }

    interface RoleOverrides {
        /** Attempts before a subtask of this role fails. */
        Optional<Integer> maxAttempts();

        /** Failed attempts before this role escalates. */
        Optional<Integer> escalateAfter();
    }
}
