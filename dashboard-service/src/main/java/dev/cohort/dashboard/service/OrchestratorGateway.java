package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.client.OrchestratorClient;
import dev.cohort.dashboard.config.DashboardConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The page's way to the orchestrator. Commands are not retried (a repeated submit would create a second task); a
 * refusal comes back with the orchestrator's own words and status (also 401 and 403: the orchestrator judges the
 * caller's token itself), an unreachable orchestrator as a message that says so. {@code authorization} is the
 * caller's {@code Authorization} value, passed on as it is; answers lose any lease token on the way back.
 */
@ApplicationScoped
public class OrchestratorGateway {

    public static final Set<String> COMMANDS = Set.of("approve", "reject", "pause", "resume", "cancel", "messages");

    private final OrchestratorClient client;
    private final String url;

    public OrchestratorGateway(@RestClient OrchestratorClient client, DashboardConfig config) {
        this.client = client;
        this.url = config.orchestratorUrl();
    }

    public Uni<Reply> list(String authorization, String status, Integer page, Integer size) {
        return call("list tasks", client.list(authorization, status, page, size));
    }

    public Uni<Reply> get(String authorization, String id) {
        return call("read task " + id, client.get(authorization, id));
    }

    public Uni<Reply> submit(String authorization, JsonNode request) {
        return call("submit the task", client.submit(authorization, request));
    }

    /** {@code budgetUsd}, for resume only, raises the task's budget as it resumes. */
    public Uni<Reply> command(String authorization, String id, String command, JsonNode body, String budgetUsd) {
        if (!COMMANDS.contains(command)) {
            throw new DashboardException(404, "unknown command '" + command + "'", "known commands: " + COMMANDS);
        }
        if (command.equals("resume") && budgetUsd != null && !budgetUsd.isBlank()) {
            return call(command + " task " + id, client.resume(authorization, id, budgetUsd.strip()));
        }
        return call(command + " task " + id, client.command(authorization, id, command, body));
    }

    /**
     * Stops the attempt in flight of one subtask; {@code retry} (true or false, blank for the orchestrator's default
     * of true) is passed on as it is, so the orchestrator is the one that says what a bad value is.
     */
    public Uni<Reply> stop(String authorization, String id, String subtask, String retry, JsonNode body) {
        // The task is left out of the words: the page says them in the agent's row, where the task is plain.
        return call("stop subtask '" + subtask + "'", client.stop(authorization, id, subtask,
                retry == null || retry.isBlank() ? null : retry.strip(), body));
    }

    private Uni<Reply> call(String what, Uni<Response> call) {
        return call.map(r -> new Reply(r.getStatus(),
                        r.hasEntity() ? LeaseTokens.strip(r.readEntity(String.class)) : null))
                .onFailure().transform(failure -> translate(what, failure));
    }

    private RuntimeException translate(String what, Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            Response r = web.getResponse();
            int status = r.getStatus();
            String error = null;
            String detail = null;
            try {
                String body = r.hasEntity() ? r.readEntity(String.class) : null;
                JsonNode json = body == null || body.isBlank() ? null : EventCodec.mapper().readTree(body);
                if (json != null) {
                    error = json.path("error").asText(null);
                    detail = json.path("detail").asText(null);
                }
            } catch (Exception e) {
                // the orchestrator answered without a JSON error body; the status alone must do
            }
            if (status >= 500) {
                return new DashboardException(502, "The orchestrator failed to " + what + " (HTTP " + status + ")"
                        + (error == null ? "" : ": " + error), detail);
            }
            return new DashboardException(status, "The orchestrator could not " + what + ": "
                    + (error == null ? "HTTP " + status : error), detail);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof TimeoutException || root.getClass().getSimpleName().contains("Timeout")) {
            return new DashboardException(504, "The orchestrator did not answer in time to " + what,
                    "it is at " + url + "; try again in a moment");
        }
        Log.debugf(failure, "Orchestrator call failed: %s", what);
        return new DashboardException(503, "The orchestrator is not reachable, so the dashboard could not " + what,
                "it is expected at " + url + " (cohort.dashboard.orchestrator-url): " + root.getMessage());
    }

    /** The orchestrator's answer: its status and JSON body, passed on to the page as they are. */
    public record Reply(int status, String body) {
    }
}
