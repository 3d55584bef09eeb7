package dev.cohort.worker.config;

import dev.cohort.contracts.model.Role;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "cohort.worker")
public interface WorkerConfig {

    /** The roles this worker serves; each is a share group that more replicas join to scale that role. */
    @WithDefault("lead,architect,backend,frontend,reviewer,tester,researcher,optimizer")
    List<Role> roles();

    /** This worker's name in agent ids ({@code <name>/<role>}); the host name when not set. */
    Optional<String> name();

    /**
     * The worker's service token for the orchestrator and the context store ({@code COHORT_WORKER_TOKEN}): a JWT with
     * groups {@code [worker]} whose subject is this worker's {@link #name()}. A secret, from the environment.
     */
    Optional<String> token();

    /** Subtasks one role runs at the same time in this process. */
    @WithDefault("2")
    int concurrency();

    /** How often a running attempt says it is alive, renewing its lease. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** The shortest gap between two progress events of one attempt. */
    @WithDefault("500ms")
    Duration progressInterval();

    /** Share groups are named this prefix plus the role, e.g. {@code cohort-workers-backend}. */
    @WithDefault("cohort-workers-")
    String shareGroupPrefix();

    /**
     * The orchestrator's base URL, asked whether a dispatch is still current before it runs: one address (a
     * Kubernetes Service in front of the replicas), or several separated by commas, asked in turn when one cannot
     * answer.
     */
    @WithDefault("http://localhost:8080")
    String orchestratorUrl();

    /**
     * A dispatch delivered for the first time within this long of being decided runs without asking the orchestrator
     * whether it is still current: nothing can have taken it over yet, and the orchestrator fences a stale one anyway.
     * One delivered again, or one that waited longer in the queue, is asked about first. {@code 0s} asks about every
     * dispatch.
     */
    @WithDefault("10s")
    Duration freshDispatch();

    /** The context store's base URL. */
    @WithDefault("http://localhost:8081")
    String contextStoreUrl();

    /**
     * How long an attempt waits out an outage of the context store or Kafka, counted from the first failure of a
     * read, write or report; shorter outages neither fail the attempt nor make its model run again.
     */
    @WithDefault("2m")
    Duration outageWindow();

    /** The first wait before such a retry; it doubles up to {@code outage-max-backoff}, with jitter. */
    @WithDefault("200ms")
    Duration outageBackoff();

    /** The longest wait between two such retries. */
    @WithDefault("5s")
    Duration outageMaxBackoff();

    /** How long one report waits for Kafka before it is sent again; above the producer's delivery timeout. */
    @WithDefault("30s")
    Duration reportTimeout();
}
