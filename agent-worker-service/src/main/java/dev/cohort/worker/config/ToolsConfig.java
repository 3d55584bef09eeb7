package dev.cohort.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How agents that work through tools are served ({@code cohort.tools.*}). Which role works through tools and which
 * programs it may run is in its profile ({@code cohort.roles.<role>.tool-mode}, {@code .commands}); where commands
 * run is {@link SandboxConfig}.
 */
@ConfigMapping(prefix = "cohort.tools")
public interface ToolsConfig {

    /**
     * How long {@code ask} waits for an answer. A role with nothing running gets an answering subtask at once;
     * one with work pending sees the question in its messages, which may be later than this.
     */
    @WithDefault("3m")
    Duration askTimeout();

    /** How often {@code ask} looks for the answer. */
    @WithDefault("1s")
    Duration askPoll();

    /** The most characters of an artifact {@code read_artifact} gives the model in one result. */
    @WithDefault("60000")
    int maxReadChars();
}
