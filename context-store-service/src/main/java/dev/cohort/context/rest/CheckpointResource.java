package dev.cohort.context.rest;

import static dev.cohort.context.rest.ArtifactRule.Rule.CHECKPOINT_NAME;
import static dev.cohort.context.rest.ArtifactRule.Rule.TASK_ID;

import dev.cohort.context.api.CheckpointRequest;
import dev.cohort.context.api.CheckpointView;
import dev.cohort.context.api.RollbackRequest;
import dev.cohort.context.api.RollbackView;
import dev.cohort.context.service.Caller;
import dev.cohort.context.service.CheckpointService;
import dev.cohort.contracts.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
    private final SecurityIdentity identity;

    public CheckpointResource(CheckpointService checkpoints, SecurityIdentity identity) {
        this.checkpoints = checkpoints;
        this.identity = identity;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Name the task's current artifact set",
            description = "Recorded as created by the caller; createdBy in the body is ignored.")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "409", description = "The name is taken")
    public Uni<Response> create(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                @Valid @NotNull(message = "a JSON body with the checkpoint's name is required",
                                        payload = RequestViolations.MissingBody.class)
                                CheckpointRequest request) {
        return checkpoints.create(Caller.of(identity), taskId, request)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The task's checkpoints, oldest first, without entries")
    public Uni<List<CheckpointView>> list(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId) {
        return checkpoints.list(taskId);
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A checkpoint with the version of each key")
    public Uni<CheckpointView> get(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                   @PathParam("name") @ArtifactRule(CHECKPOINT_NAME) String name) {
        return checkpoints.get(taskId, name);
    }

    @POST
    @Path("{name}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll the task's artifacts back to a checkpoint",
            description = "Each changed artifact gets a new version with the checkpoint's content; artifacts created "
                    + "after it are tombstoned. History is kept; pending conflicts stay pending. The new versions "
                    + "are recorded under the caller's name; requestedBy and role in the body are ignored, and the "
                    + "body may be left out.")
    public Uni<RollbackView> rollback(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                      @PathParam("name") @ArtifactRule(CHECKPOINT_NAME) String name,
                                      @Valid RollbackRequest request) {
        // the body's fields are checked (their limits) and ignored
        return checkpoints.rollback(Caller.of(identity), taskId, name);
    }
}
