package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.service.DashboardException;
import dev.cohort.dashboard.service.StreamLimitException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
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
    public Response tooManyStreams(StreamLimitException e) {
        return Response.fromResponse(respond(e.status(), e.getMessage(), e.detail()))
                .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return signIn("Sign in first: this needs a token, as the session cookie or an Authorization: Bearer header");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        // The failure's own message may quote the token; the words here do not.
        return signIn("The token was not accepted: it is expired, or not signed by the issuer this dashboard trusts; "
                + "sign in again");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(403, "Your token's roles do not allow this",
                "viewers read and watch; operators also submit tasks and give commands; admins may do everything");
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

    private static Response signIn(String error) {
        return Response.fromResponse(respond(401, error, "sign in with POST /api/session {\"token\": \"...\"}"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    static Response respond(int status, String error, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, error, detail)).build();
    }
}
