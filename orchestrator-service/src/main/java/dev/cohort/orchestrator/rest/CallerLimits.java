package dev.cohort.orchestrator.rest;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Keeps one caller from flooding the team: a token bucket per principal for task submissions and commands (every
 * POST under {@code /api/tasks}, and A2A's), and a cap on the tasks a principal has under way. Buckets live in each
 * replica.
 */
@ApplicationScoped
public class CallerLimits {

    /** Buckets idle this long are full again and are dropped. */
    private static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;

    private final OrchestratorConfig config;
    private final TaskRepository tasks;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public CallerLimits(OrchestratorConfig config, TaskRepository tasks) {
        this.config = config;
        this.tasks = tasks;
    }

    /** The token bucket of one caller: its tokens at a point in time. */
    private record Bucket(double tokens, long atNanos) {
    }

    @ServerRequestFilter
    public void commands(ContainerRequestContext request) {
        if (!HttpMethod.POST.equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/api/tasks")) {
            return;
        }
        Principal principal = request.getSecurityContext().getUserPrincipal();
        if (principal != null) {
            take(principal.getName());
        }
    }

    /**
     * Takes one token from the caller's bucket, or refuses with the wait until the next one; for commands that arrive
     * elsewhere than {@code /api/tasks} (A2A).
     */
    public void take(String caller) {
        double perNano = config.commandsPerMinute() / 60e9;
        int burst = Math.max(1, config.commandBurst());
        long now = System.nanoTime();
        double[] waitNanos = {0};
        buckets.compute(caller, (name, bucket) -> {
            double tokens = bucket == null ? burst
                    : Math.min(burst, bucket.tokens() + (now - bucket.atNanos()) * perNano);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            waitNanos[0] = (1 - tokens) / perNano;
            return new Bucket(tokens, now);
        });
        if (buckets.size() > 10_000) {
            buckets.values().removeIf(b -> now - b.atNanos() > IDLE_NANOS);
        }
        if (waitNanos[0] > 0) {
            throw ApiException.tooMany(caller + " sent more than " + config.commandsPerMinute() + " submissions and "
                    + "commands a minute (cohort.orchestrator.commands-per-minute); try again shortly",
                    (long) Math.ceil(waitNanos[0] / 1e9));
        }
    }

    /** Fails with 429 when the caller already has as many tasks under way as allowed. */
    @WithSession
    public Uni<Void> mayStartTask(String caller) {
        int max = config.maxUnfinishedTasksPerCaller();
        return tasks.unfinishedBy(caller).invoke(count -> {
            if (count >= max) {
                throw ApiException.tooMany(caller + " has " + count + " tasks under way, the most allowed "
                        + "(cohort.orchestrator.max-unfinished-tasks-per-caller); wait for one to end or cancel one",
                        30);
            }
        }).replaceWithVoid();
    }
}
