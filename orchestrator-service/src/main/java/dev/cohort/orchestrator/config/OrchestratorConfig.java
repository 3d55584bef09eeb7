package dev.cohort.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "cohort.orchestrator")
public interface OrchestratorConfig {

    /** How often the outbox relay looks for events to publish. */
    @WithDefault("100ms")
    Duration outboxInterval();

    /** How many outbox events the relay publishes per transaction. */
    @WithDefault("200")
    int outboxBatchSize();

    /** The longest task description accepted, in characters. */
    @WithDefault("20000")
    int maxDescriptionLength();
}
