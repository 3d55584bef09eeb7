package dev.cohort.dashboard.rest;

import dev.cohort.contracts.Roles;
import dev.cohort.dashboard.service.ContextStoreGateway;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/context")
@Tag(name = "Artifacts", description = "Reads of the context store, forwarded")
@RolesAllowed(Roles.VIEWER)
public class ContextResource {

    private final ContextStoreGateway contextStore;

    public ContextResource(ContextStoreGateway contextStore) {
        this.contextStore = contextStore;
    }

    @GET
    @Path("/{path: tasks/.+}")
    @Operation(summary = "Forwards GET /api/context/tasks/{taskId}/(artifacts|history|diff|conflicts)... to the "
            + "context store's /api/tasks/{taskId}/...")
    public Uni<Response> get(@Context UriInfo uri) {
        String raw = uri.getRequestUri().getRawPath();
        String path = raw.substring(raw.indexOf("/api/context/") + "/api/context/".length());
        return contextStore.get(path, uri.getQueryParameters())
                .map(reply -> Response.status(reply.status()).header("Content-Type", reply.contentType())
                        .entity(reply.body()).build());
    }
}
