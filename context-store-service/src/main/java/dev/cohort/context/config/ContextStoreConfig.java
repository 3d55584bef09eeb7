package dev.cohort.context.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the context store. */
@ConfigMapping(prefix = "cohort.context")
public interface ContextStoreConfig {

    /** Largest artifact content accepted, in bytes of UTF-8; larger writes are rejected with 413. */
    @WithDefault("1048576")
    int maxContentBytes();

    /** How often the relay looks for events not yet on Kafka (it is also woken after every write). */
    @WithDefault("1s")
    Duration relayInterval();

    /** Most events the relay sends to Kafka in one database transaction. */
    @WithDefault("200")
    int relayBatchSize();

    /** How long the relay waits for Kafka to acknowledge a batch before retrying it later. */
    @WithDefault("15s")
    Duration relaySendTimeout();

    /**
     * How long a task event that fails for a reason not recognised as transient is retried before it is dead-lettered.
     * Transient failures (database away, timeouts) are retried until they succeed; permanent ones are dead-lettered
     * at once.
     */
    @WithDefault("30s")
    Duration unknownFailureRetries();

    /** How often an SSE subscription looks for new events of its task in the database. */
    @WithDefault("500ms")
    Duration subscribePollInterval();

    /** How often an idle SSE subscription gets a comment line, so that proxies do not close it. */
    @WithDefault("15s")
    Duration subscribeKeepAlive();

    /** Most event streams ({@code GET /api/tasks/{id}/events}) one principal may hold open on this instance (429 above). */
    @WithDefault("20")
    int maxStreamsPerPrincipal();

    /** Most event streams this instance holds open at once, for all principals together (429 above). */
    @WithDefault("1000")
    int maxStreams();

    /**
     * How long a worker's write waits for its attempt's dispatch when it arrives before the store has read it from
     * the task events; after that it is refused with 503 {@code not-dispatched-yet} and Retry-After. 0 refuses at once.
     */
    @WithDefault("2s")
    Duration dispatchWait();

    /**
     * How often such a write looks again on its own; a dispatch this replica applies wakes it at once, this is for
     * one another replica applied.
     */
    @WithDefault("500ms")
    Duration dispatchRecheck();
}
