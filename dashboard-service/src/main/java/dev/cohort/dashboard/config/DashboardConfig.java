package dev.cohort.dashboard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cohort.dashboard")
public interface DashboardConfig {

    /** How many recent events the dashboard keeps in memory to serve new and resuming browsers without Kafka. */
    @WithDefault("10000")
    int recentEvents();

    /** How many events may wait for one browser; a browser that falls further behind is dropped and resumes. */
    @WithDefault("1000")
    int clientBuffer();

    /**
     * The least time between two writes to one browser's connection. An event that comes later than that after the
     * last write goes out at once; events that come sooner wait for the rest of it and leave together, in one write.
     * Fewer, larger writes are what lets one instance feed many browsers; 0 writes each event at once.
     */
    @WithDefault("25ms")
    Duration writeInterval();

    /** How often an idle stream gets a keep-alive comment. */
    @WithDefault("15s")
    Duration keepAlive();

    /** How long a browser waits before it reconnects to an ended stream (the SSE retry field). */
    @WithDefault("2s")
    Duration reconnectDelay();

    /** The most events one resuming stream reads back from Kafka before it ends and lets the browser resume again. */
    @WithDefault("50000")
    int catchUpLimit();

    /** How long one resuming stream may spend reading back from Kafka. */
    @WithDefault("20s")
    Duration catchUpTimeout();

    /** Base URL of the orchestrator's REST API, which receives the page's commands. */
    @WithDefault("http://localhost:8080")
    String orchestratorUrl();

    /** Base URL of the context store's REST API, which the page reads artifacts from through this dashboard. */
    @WithDefault("http://localhost:8081")
    String contextStoreUrl();

    /** How many streams one person (one token subject) may hold open at once; more are refused with 429. */
    @WithDefault("20")
    int maxStreamsPerPrincipal();

    /** How many streams this instance holds open at once, whoever holds them; more are refused with 429. */
    @WithDefault("2000")
    int maxStreams();

    /**
     * Where the page links a task's trace: an http(s) URL of your tracing UI with {@code {traceId}} in it (Jaeger:
     * {@code http://jaeger:16686/trace/{traceId}}). Unset, the page shows the trace id as text.
     */
    Optional<String> traceUrl();
}
