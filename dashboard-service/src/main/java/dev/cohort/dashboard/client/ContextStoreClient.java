package dev.cohort.dashboard.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The context store's task API, read on the caller's behalf; address and timeouts are
 * {@code quarkus.rest-client.context-store.*}. Every status is an answer for {@code ContextStoreGateway} to read
 * (the default exception mapper is off).
 */
@RegisterRestClient(configKey = "context-store")
@RegisterProvider(CallerToken.class)
@Path("/api")
public interface ContextStoreClient {

    /** {@code path} is sent as the page encoded it: artifact keys keep their '/' as path separators. */
    @GET
    @Path("/{path}")
    Uni<Response> get(@Encoded @PathParam("path") String path, @RestQuery MultivaluedMap<String, String> query);
}
