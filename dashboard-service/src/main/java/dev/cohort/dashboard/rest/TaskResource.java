package dev.cohort.dashboard.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Roles;
import dev.cohort.dashboard.security.Caller;
import dev.cohort.dashboard.service.DashboardException;
import dev.cohort.dashboard.service.EventStreams;
import dev.cohort.dashboard.service.OrchestratorGateway;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamLimiter;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The orchestrator's task API as the page uses it, through the dashboard so the page needs one origin only. Viewers
 * read, operators command; the orchestrator checks the caller's token again and records who did what.
 */
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Tasks and commands, forwarded to the orchestrator")
@RolesAllowed(Roles.VIEWER)
public class TaskResource {

    private final OrchestratorGateway orchestrator;
    private final EventStreams streams;
    private final SseFrames frames;
    private final StreamLimiter limiter;
    private final Caller caller;

    public TaskResource(OrchestratorGateway orchestrator, EventStreams streams, SseFrames frames, StreamLimiter limiter,
                        Caller caller) {
        this.orchestrator = orchestrator;
        this.streams = streams;
        this.frames = frames;
        this.limiter = limiter;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List tasks, newest first")
    public Uni<Response> list(@QueryParam("status") String status, @QueryParam("page") Integer page,
                              @QueryParam("size") Integer size) {
        return orchestrator.list(status, page, size).map(TaskResource::respond);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One task with its subtasks, attempts, tokens and cost")
    public Uni<Response> get(@PathParam("id") String id) {
        return orchestrator.get(id).map(TaskResource::respond);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a task: {title, description, roles[], approvalMode auto|manual, budgetUsd}")
    public Uni<Response> submit(JsonNode request) {
        return orchestrator.submit(request).map(TaskResource::respond);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/{command: approve|reject|pause|resume|cancel|messages}")
    @Operation(summary = "A command for a task: approve (optionally with an edited plan), reject, pause, resume "
            + "(optionally with a higher budgetUsd), cancel, or a message to an agent, a role or the team")
    public Uni<Response> command(@PathParam("id") String id, @PathParam("command") String command,
                                 @Parameter(description = "resume only: the task's new budget in US dollars")
                                 @QueryParam("budgetUsd") String budgetUsd,
                                 String body) {
        return orchestrator.command(id, command, json(body), budgetUsd).map(TaskResource::respond);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/subtasks/{subtask}/stop")
    @Operation(summary = "Stop one agent: the attempt in flight of a subtask (by plan key or id), optional body "
            + "{by, reason}; by default the subtask runs again, with retry=false it is cancelled and its dependents "
            + "skipped")
    public Uni<Response> stop(@PathParam("id") String id, @PathParam("subtask") String subtask,
                              @Parameter(description = "true (default): run the subtask again as a new attempt; "
                                      + "false: cancel it and skip what depends on it")
                              @QueryParam("retry") String retry,
                              String body) {
        return orchestrator.stop(id, subtask, retry, json(body)).map(TaskResource::respond);
    }

    @GET
    @NonBlocking
    @Tag(name = "Streams")
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "One task's events: all of them from its start, or after Last-Event-ID")
    public void task(
            @PathParam("id") String taskId,
            @Parameter(description = "Resume after this event id") @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Same as Last-Event-ID, for clients that cannot set headers")
            @QueryParam("lastEventId") String lastEventIdQuery,
            @Context SseEventSink sink, @Context HttpServerResponse response) {
        StreamCursor after = SseFrames.cursor(lastEventId, lastEventIdQuery, new StreamCursor());
        frames.stream(ready -> streams.open(taskId, after, ready), sink, response, limiter.acquire(caller.name()));
    }

    /** A command's optional JSON body; the orchestrator validates its fields. */
    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return EventCodec.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new DashboardException(400, "The request body is not valid JSON", e.getOriginalMessage());
        }
    }

    static Response respond(OrchestratorGateway.Reply reply) {
        if (reply.body() == null || reply.body().isBlank()) {
            return Response.status(reply.status()).build();
        }
        return Response.status(reply.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(reply.body()).build();
    }
}
