package dev.cohort.context.rest;

import static dev.cohort.context.rest.ArtifactRule.Rule.TASK_ID;

import dev.cohort.context.api.ArtifactVersionView;
import dev.cohort.context.api.ConflictView;
import dev.cohort.context.api.Limits;
import dev.cohort.context.api.ResolveRequest;
import dev.cohort.context.service.ArtifactService;
import dev.cohort.context.service.Caller;
import dev.cohort.context.service.ContextStoreException;
import dev.cohort.context.service.Views;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/tasks/{taskId}/conflicts")
@Tag(name = "Conflicts", description = "Writes based on a stale version, kept until merged")
public class ConflictResource {

    private final ArtifactService artifacts;
    private final SecurityIdentity identity;

    public ConflictResource(ArtifactService artifacts, SecurityIdentity identity) {
        this.artifacts = artifacts;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The task's conflicts, optionally only pending or resolved ones, or one key's")
    public Uni<List<ConflictView>> list(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                        @QueryParam("status") String status,
                                        @QueryParam("key") @Text(max = Limits.KEY) String key) {
        return artifacts.conflicts(taskId, status, key);
    }

    @GET
    @Path("{conflictId}")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One conflict with base, current and conflicting content: the inputs of a three-way merge")
    public Uni<ConflictView> get(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                 @PathParam("conflictId") String conflictId) {
        return artifacts.conflict(taskId, uuid(conflictId));
    }

    @POST
    @Path("{conflictId}/resolve")
    @RolesAllowed({Roles.WORKER, Roles.OPERATOR})
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Resolve a conflict with merged content, stored as the latest version",
            description = "A merge attempt (worker) names its subtaskId, attempt and leaseToken and is fenced like a "
                    + "publish to the conflict's key. An operator's merge names no subtask and is recorded under the "
                    + "operator's name; role and agentId are then ignored.")
    @APIResponse(responseCode = "201", description = "The merged content is the latest version")
    @APIResponse(responseCode = "200", description = "A retry of a resolution already stored")
    @APIResponse(responseCode = "409", description = "Already resolved, the merge is based on a stale version, or "
            + "it comes from a stale attempt of its subtask (stale-attempt)")
    @APIResponse(responseCode = "403", description = "The token's roles do not allow merges, or the merge attempt may "
            + "not write the conflict's key (undeclared-key)")
    @APIResponse(responseCode = "503", description = "(not-dispatched-yet) the store has not seen the merge attempt's "
            + "dispatch yet; try again after Retry-After")
    public Uni<Response> resolve(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                 @PathParam("conflictId") String conflictId,
                                 @Valid @NotNull(message = "a JSON body with the merged content is required",
                                         payload = RequestViolations.MissingBody.class)
                                 ResolveRequest request) {
        return artifacts.resolve(Caller.of(identity), taskId, uuid(conflictId), request).map(stored -> {
            ArtifactVersionView view = Views.version(stored.version(), false, stored.replayed());
            return Response.status(stored.replayed() ? Response.Status.OK : Response.Status.CREATED)
                    .entity(view).build();
        });
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ContextStoreException.notFound("unknown-conflict", "'" + id + "' is not a conflict id (a UUID)");
        }
    }
}
