package dev.cohort.orchestrator.a2a;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Cohort as an A2A agent (docs/a2a.md). */
@ConfigMapping(prefix = "cohort.a2a")
public interface A2aConfig {

    /**
     * The URL of the JSON-RPC endpoint that the agent card names, as clients reach it (behind a proxy or ingress);
     * by default the origin of the request for the card followed by {@code /a2a}.
     */
    Optional<String> url();

    /** The agent's version in its card. */
    @WithDefault("0.1.0")
    String version();

    /** How often a stream or a blocking SendMessage looks at the task. */
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * The longest a blocking SendMessage waits for its task to end or to need input; then it answers the task as it
     * is. HTTP clients give up on an answer after a few minutes (Node's after five).
     */
    @WithDefault("4m")
    Duration blockingTimeout();

    /** Streams (SendStreamingMessage, SubscribeToTask) open at once, per caller. */
    @WithDefault("20")
    int maxStreamsPerPrincipal();

    /** Streams open at once on this instance. */
    @WithDefault("500")
    int maxStreams();
}
