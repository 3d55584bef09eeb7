package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.service.DashboardException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an {@link ApiError} the page can show in words; no stack traces. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response dashboard(DashboardException e) {
        return respond(e.status(), e.getMessage(), e.detail());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = status == 404 ? "Nothing here; see /q/openapi for the dashboard API" : e.getMessage();
        return respond(status, message, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        Log.error("Unexpected error while handling a request", e);
        return respond(500, "Internal error in the dashboard; its log has the details", null);
    }

    static Response respond(int status, String error, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, error, detail)).build();
    }
}
