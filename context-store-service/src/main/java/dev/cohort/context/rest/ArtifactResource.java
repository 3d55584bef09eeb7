package dev.cohort.context.rest;

import static dev.cohort.context.rest.ArtifactRule.Rule.KEY;
import static dev.cohort.context.rest.ArtifactRule.Rule.TASK_ID;

import dev.cohort.context.api.ArtifactSummaryView;
import dev.cohort.context.api.ArtifactVersionView;
import dev.cohort.context.api.LatestRequest;
import dev.cohort.context.api.Limits;
import dev.cohort.context.api.PublishRequest;
import dev.cohort.context.service.ArtifactService;
import dev.cohort.context.service.Caller;
import dev.cohort.context.service.ExportService;
import dev.cohort.context.service.PublishOutcome;
import dev.cohort.context.service.Views;
import dev.cohort.contracts.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/tasks/{taskId}")
@Tag(name = "Artifacts", description = "Versioned artifacts of a task")
public class ArtifactResource {

    private final ArtifactService artifacts;
    private final ExportService export;
    private final SecurityIdentity identity;

    public ArtifactResource(ArtifactService artifacts, ExportService export, SecurityIdentity identity) {
        this.artifacts = artifacts;
        this.export = export;
        this.identity = identity;
    }

    @POST
    @Path("artifacts")
    @RolesAllowed({Roles.WORKER, Roles.OPERATOR})
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a version",
            description = "Creates the artifact (no baseVersion) or its next version (baseVersion = the latest). "
                    + "A stale baseVersion is kept as a pending conflict and answered with 409. "
                    + "A worker's write names the attempt dispatched to it (subtaskId, attempt, leaseToken) and is "
                    + "admitted only while that attempt may write, and only to its subtask's declared keys; a retry "
                    + "with the same (subtaskId, attempt, key) returns the first answer. An operator's write names no "
                    + "subtask and is recorded under the operator's name; role and agentId are then ignored.")
    @APIResponse(responseCode = "201", description = "Stored as a new version",
            content = @Content(schema = @Schema(implementation = ArtifactVersionView.class)))
    @APIResponse(responseCode = "200", description = "A retry of a write already stored: the same version")
    @APIResponse(responseCode = "409", description = "The base version is stale; the content is kept as a conflict. "
            + "Or (error stale-attempt) the attempt is over, a newer one exists or the lease token is not the "
            + "attempt's, and nothing was stored")
    @APIResponse(responseCode = "400", description = "Invalid key, field or JSON, or a worker's write without "
            + "subtaskId, attempt and leaseToken")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "The token's roles do not allow writes; or (undeclared-key) the "
            + "subtask does not declare the key; or a worker writing as another worker's agent (agent-mismatch); or a "
            + "person naming a subtask (not-a-worker)")
    @APIResponse(responseCode = "404", description = "The base version does not exist")
    @APIResponse(responseCode = "413", description = "Content over cohort.context.max-content-bytes")
    @APIResponse(responseCode = "503", description = "(not-dispatched-yet) the store has not seen the attempt's "
            + "dispatch yet; try again after Retry-After")
    public Uni<Response> publish(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                 @Valid @NotNull(message = "a JSON body with key, kind and content is required;"
                                         + " a worker's write also names role, agentId, subtaskId, attempt and"
                                         + " leaseToken",
                                         payload = RequestViolations.MissingBody.class)
                                 PublishRequest request) {
        return artifacts.publish(Caller.of(identity), taskId, request).map(outcome -> respond(taskId, outcome));
    }

    @GET
    @Path("artifacts")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List the task's artifacts (latest versions, without content)")
    @APIResponse(responseCode = "404", description = "Nothing was stored for the task")
    public Uni<List<ArtifactSummaryView>> list(
            @PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
            @Parameter(description = "Only keys starting with this") @QueryParam("prefix") @Text(max = Limits.KEY) String prefix,
            @Parameter(description = "Only keys matching this glob: * within a segment, ** across, ? one character")
            @QueryParam("glob") String glob,
            @Parameter(description = "Only these kinds (repeat or comma-separate)") @QueryParam("kind") List<String> kinds,
            @Parameter(description = "Include deleted artifacts") @QueryParam("includeDeleted") boolean includeDeleted) {
        return artifacts.list(taskId, prefix, glob, kinds, includeDeleted);
    }

    @GET
    @Path("artifacts/{key: .+}")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the latest version of an artifact, or a given one, with content")
    @APIResponse(responseCode = "404", description = "Unknown task, artifact or version, or the artifact was deleted")
    public Uni<ArtifactVersionView> get(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                        @PathParam("key") @ArtifactRule(KEY) String key,
                                        @QueryParam("version") Long version) {
        return artifacts.get(taskId, key, version);
    }

    @POST
    @Path("latest")
    @RolesAllowed(Roles.VIEWER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the latest versions of several artifacts, with content, in one request",
            description = "What an agent reads before it starts: up to " + Limits.KEYS_PER_READ + " keys. Each key "
                    + "that has a version and is not deleted is answered, in the order asked; the others (nothing "
                    + "stored yet, deleted, or a task with nothing stored) are absent. POST, because so many keys do "
                    + "not fit in a URL; it changes nothing.")
    @APIResponse(responseCode = "200", description = "The versions found",
            content = @Content(schema = @Schema(implementation = ArtifactVersionView.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "No body or no keys field, more than " + Limits.KEYS_PER_READ
            + " keys, or an invalid key")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    public Uni<List<ArtifactVersionView>> latest(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                                 @Valid @NotNull(message = "a JSON body with keys is required",
                                                         payload = RequestViolations.MissingBody.class)
                                                 LatestRequest request) {
        return artifacts.latest(taskId, request.keys());
    }

    @DELETE
    @Path("artifacts/{key: .+}")
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete an artifact as a tombstone version",
            description = "Needs the version read (baseVersion); a stale one is kept as a conflict and answered with 409."
                    + " Recorded under the admin's name; role and agentId are ignored.")
    public Uni<Response> delete(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                @PathParam("key") @ArtifactRule(KEY) String key,
                                @QueryParam("baseVersion")
                                @NotNull(message = "is required: the version you read and mean to delete")
                                @PositiveOrZero(message = RequestViolations.NOT_NEGATIVE) Long baseVersion,
                                @QueryParam("role") @Text(max = Limits.ROLE) String role,
                                @QueryParam("agentId") @Text(max = Limits.AGENT_ID) String agentId,
                                @QueryParam("subtaskId") @Text(max = Limits.SUBTASK_ID) String subtaskId,
                                @QueryParam("attempt") @Min(value = 1, message = RequestViolations.AT_LEAST_ONE)
                                Integer attempt,
                                @QueryParam("leaseToken") @Text(max = Limits.LEASE_TOKEN) String leaseToken) {
        return artifacts.delete(Caller.of(identity), taskId, key, baseVersion, role, agentId, subtaskId, attempt,
                        leaseToken)
                .map(outcome -> respond(taskId, outcome));
    }

    @GET
    @Path("history/{key: .+}")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every version of an artifact, oldest first, without content")
    public Uni<List<ArtifactVersionView>> history(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                                                  @PathParam("key") @ArtifactRule(KEY) String key) {
        return artifacts.history(taskId, key);
    }

    @GET
    @Path("diff/{key: .+}")
    @RolesAllowed(Roles.VIEWER)
    @Produces("text/x-diff")
    @Operation(summary = "Unified diff between two versions of an artifact")
    public Uni<String> diff(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
                            @PathParam("key") @ArtifactRule(KEY) String key,
                            @QueryParam("from") @NotNull(message = "is required: the version to diff from") Long from,
                            @QueryParam("to") @NotNull(message = "is required: the version to diff to") Long to) {
        return artifacts.diff(taskId, key, from, to);
    }

    @GET
    @Path("export.zip")
    @RolesAllowed(Roles.VIEWER)
    @Produces("application/zip")
    @Operation(summary = "The latest content of every live artifact as a zip, each at its key's path")
    public Uni<Response> exportZip(@PathParam("taskId") @ArtifactRule(TASK_ID) String taskId) {
        return export.exportZip(taskId).map(bytes -> Response.ok(bytes, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"task-" + taskId + ".zip\"")
                .build());
    }

    /** The version's URL, keeping the key's '/' as path separators and encoding everything else. */
    static URI location(String taskId, String key, long version) {
        String path = Arrays.stream(key.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        return URI.create("/api/tasks/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8) + "/artifacts/" + path
                + "?version=" + version);
    }

    private Response respond(String taskId, PublishOutcome outcome) {
        if (outcome instanceof PublishOutcome.Stored stored) {
            ArtifactVersionView view = Views.version(stored.version(), false, stored.replayed());
            if (stored.replayed()) {
                return Response.ok(view).build();
            }
            return Response.created(location(taskId, view.key(), view.version())).entity(view).build();
        }
        return ApiErrors.conflict(Views.conflict(((PublishOutcome.Conflicted) outcome).conflict(), null, null,
                outcome.replayed()));
    }
}
