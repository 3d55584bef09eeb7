package dev.cohort.orchestrator.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The context store's artifact reads (its {@code ArtifactResource}); {@code quarkus.rest-client.context-store.*}.
 * Calls carry the orchestrator's service token.
 */
@RegisterRestClient(configKey = "context-store")
@RegisterClientHeaders(ServiceToken.class)
@Path("/api/tasks/{taskId}")
@Produces(MediaType.APPLICATION_JSON)
public interface ContextStoreApi {

    /** The latest version of each key, without content; 404 when nothing was stored for the task. */
    @GET
    @Path("artifacts")
    Uni<JsonNode> artifacts(@PathParam("taskId") String taskId, @QueryParam("prefix") String prefix);

    /** One version of an artifact with its content: the latest, or {@code version} when given. */
    @GET
    @Path("artifacts/{key: .+}")
    Uni<JsonNode> artifact(@PathParam("taskId") String taskId, @PathParam("key") String key,
                           @QueryParam("version") Long version);
}
