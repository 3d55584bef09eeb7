package dev.cohort.worker.context;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The parts of the context store's REST API a worker uses; address and timeouts are {@code quarkus.rest-client
 * .context-store.*}. 404 (nothing stored) and 409 (a conflict kept for the lead) are answers, not errors, so the
 * default exception mapper is off and {@link ContextStoreClient} reads every status in one place.
 */
@RegisterRestClient(configKey = "context-store")
@RegisterProvider(ServiceToken.class)
@Path("/api/tasks/{taskId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ContextStoreApi {

    @GET
    @Path("artifacts/{key: .+}")
    Response latest(@PathParam("taskId") String taskId, @PathParam("key") String key);

    @GET
    @Path("artifacts/{key: .+}")
    Response version(@PathParam("taskId") String taskId, @PathParam("key") String key,
                     @QueryParam("version") long version);

    /** The latest versions of the body's {@code keys}; a store older than this request answers 404 or 405. */
    @POST
    @Path("latest")
    Response latest(@PathParam("taskId") String taskId, Map<String, Object> keys);

    @GET
    @Path("artifacts")
    Response list(@PathParam("taskId") String taskId, @QueryParam("prefix") String prefix);

    @POST
    @Path("artifacts")
    Response publish(@PathParam("taskId") String taskId, Map<String, Object> request);

    @GET
    @Path("conflicts/{conflictId}")
    Response conflict(@PathParam("taskId") String taskId, @PathParam("conflictId") String conflictId);

    @POST
    @Path("conflicts/{conflictId}/resolve")
    Response resolve(@PathParam("taskId") String taskId, @PathParam("conflictId") String conflictId,
                     Map<String, Object> request);
}
