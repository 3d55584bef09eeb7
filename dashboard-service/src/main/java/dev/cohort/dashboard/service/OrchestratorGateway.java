package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.dashboard.client.OrchestratorClient;
import dev.cohort.dashboard.config.DashboardConfig;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The page's way to the orchestrator. Reads are retried when the orchestrator was unavailable
 * ({@link UpstreamUnavailableException}; how often and how soon is
 * {@code quarkus.fault-tolerance."dev.cohort.dashboard.service.OrchestratorGateway/<method>".retry.*}); commands are
 * not (a repeated submit would create a second task). All calls share the orchestrator's circuit breaker
 * ({@link UpstreamBreakers}). A refusal comes back with the orchestrator's own words and status (also 401 and 403: the orchestrator judges the
 * caller's token itself), an unreachable orchestrator as a message that says so ({@link Upstream}). Answers lose
 * any lease token on the way back.
 */
@ApplicationScoped
public class OrchestratorGateway {

    public static final Set<String> COMMANDS = Set.of("approve", "reject", "pause", "resume", "cancel", "messages");

    private final OrchestratorClient client;
    private final Upstream upstream;

    public OrchestratorGateway(@RestClient OrchestratorClient client, DashboardConfig config,
                               UpstreamBreakers breakers) {
        this.client = client;
        this.upstream = new Upstream("orchestrator", config.orchestratorUrl(), "cohort.dashboard.orchestrator-url",
                breakers::orchestrator);
    }

    @Retry(retryOn = UpstreamUnavailableException.class)
    @AsynchronousNonBlocking
    public Uni<Reply> list(String status, Integer page, Integer size) {
        return call("list tasks", () -> client.list(status, page, size));
    }

    @Retry(retryOn = UpstreamUnavailableException.class)
    @AsynchronousNonBlocking
    public Uni<Reply> get(String id) {
        return call("read task " + id, () -> client.get(id));
    }

    public Uni<Reply> submit(JsonNode request) {
        return call("submit the task", () -> client.submit(request));
    }

    /** {@code budgetUsd}, for resume only, raises the task's budget as it resumes. */
    public Uni<Reply> command(String id, String command, JsonNode body, String budgetUsd) {
        if (!COMMANDS.contains(command)) {
            throw new DashboardException(404, "unknown command '" + command + "'", "known commands: " + COMMANDS);
        }
        if (command.equals("resume") && budgetUsd != null && !budgetUsd.isBlank()) {
            return call(command + " task " + id, () -> client.resume(id, budgetUsd.strip()));
        }
        return call(command + " task " + id, () -> client.command(id, command, body));
    }

    /**
     * Stops the attempt in flight of one subtask; {@code retry} (true or false, blank for the orchestrator's default
     * of true) is passed on as it is, so the orchestrator is the one that says what a bad value is.
     */
    public Uni<Reply> stop(String id, String subtask, String retry, JsonNode body) {
        // The task is left out of the words: the page says them in the agent's row, where the task is plain.
        return call("stop subtask '" + subtask + "'", () -> client.stop(id, subtask,
                retry == null || retry.isBlank() ? null : retry.strip(), body));
    }

    private Uni<Reply> call(String what, Supplier<Uni<Response>> call) {
        return upstream.call(what, call, r -> new Reply(r.getStatus(),
                r.hasEntity() ? LeaseTokens.strip(r.readEntity(String.class)) : null));
    }

    /** The orchestrator's answer: its status and JSON body, passed on to the page as they are. */
    public record Reply(int status, String body) {
    }
}
