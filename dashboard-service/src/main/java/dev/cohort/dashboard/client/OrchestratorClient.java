package dev.cohort.dashboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The orchestrator's task API; address and timeouts are {@code quarkus.rest-client.orchestrator.*}. Bodies pass
 * through as JSON; the orchestrator validates them and says what is wrong. Every call carries the caller's own token
 * ({@link CallerToken}), so the orchestrator decides what the person may do and records who did it. Every status is
 * an answer for {@code OrchestratorGateway} to read (the default exception mapper is off).
 */
@RegisterRestClient(configKey = "orchestrator")
@RegisterProvider(CallerToken.class)
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface OrchestratorClient {

    @GET
    Uni<Response> list(@QueryParam("status") String status, @QueryParam("page") Integer page,
                       @QueryParam("size") Integer size);

    @GET
    @Path("/{id}")
    Uni<Response> get(@PathParam("id") String id);

    @POST
    Uni<Response> submit(JsonNode request);

    /** Resume a paused task; a budget raises the task's cap, which a task paused at its cap needs. */
    @POST
    @Path("/{id}/resume")
    Uni<Response> resume(@PathParam("id") String id, @QueryParam("budgetUsd") String budgetUsd);

    /**
     * Stop one agent: the attempt in flight of a subtask (by plan key or id). {@code retry} false cancels the subtask
     * instead of running it again; the body is optional {@code {by, reason}}.
     */
    @POST
    @Path("/{id}/subtasks/{subtask}/stop")
    Uni<Response> stop(@PathParam("id") String id, @PathParam("subtask") String subtask,
                       @QueryParam("retry") String retry, JsonNode body);

    /** {@code command} is one of approve, reject, pause, resume, cancel, messages. */
    @POST
    @Path("/{id}/{command}")
    Uni<Response> command(@PathParam("id") String id, @PathParam("command") String command, JsonNode body);
}
