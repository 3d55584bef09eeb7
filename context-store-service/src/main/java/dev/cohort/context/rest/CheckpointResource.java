package dev.cohort.context.rest;

import dev.cohort.context.api.CheckpointRequest;
import dev.cohort.context.api.CheckpointView;
import dev.cohort.context.api.RollbackRequest;
import dev.cohort.context.api.RollbackView;
import dev.cohort.context.service.CheckpointService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/tasks/{taskId}/checkpoints")
@Tag(name = "Checkpoints", description = "Named snapshots of a task's artifact set")
public class CheckpointResource {

    private final CheckpointService checkpoints;

    public CheckpointResource(CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Name the task's current artifact set")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "409", description = "The name is taken")
    public Uni<Response> create(@PathParam("taskId") String taskId, CheckpointRequest request) {
        return checkpoints.create(taskId, request)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The task's checkpoints, oldest first, without entries")
    public Uni<List<CheckpointView>> list(@PathParam("taskId") String taskId) {
        return checkpoints.list(taskId);
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A checkpoint with the version of each key")
    public Uni<CheckpointView> get(@PathParam("taskId") String taskId, @PathParam("name") String name) {
        return checkpoints.get(taskId, name);
    }

    @POST
    @Path("{name}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll the task's artifacts back to a checkpoint",
            description = "Each changed artifact gets a new version with the checkpoint's content; artifacts created "
                    + "after it are tombstoned. History is kept; pending conflicts stay pending.")
    public Uni<RollbackView> rollback(@PathParam("taskId") String taskId, @PathParam("name") String name,
                                      RollbackRequest request) {
        return checkpoints.rollback(taskId, name, request);
    }
}
