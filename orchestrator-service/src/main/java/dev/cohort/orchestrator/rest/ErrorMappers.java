package dev.cohort.orchestrator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.cohort.contracts.Failures;
import dev.cohort.orchestrator.service.CommandRejected;
import io.quarkus.logging.Log;
import io.quarkus.security.ForbiddenException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an {@link ApiError}; clients never see a stack trace. */
public class ErrorMappers {

    /** Seconds a client is asked to wait before trying again while a dependency cannot be reached. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response response = respond(e.status(), e.getMessage(), null);
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build()
                : response;
    }

    /** An authenticated caller whose roles do not allow the operation. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(403, "your token's roles do not allow this: reads need viewer, task commands operator, "
                + "checkpoints, rollbacks and deletes admin", "see docs/security.md");
    }

    @ServerExceptionMapper
    public Response command(CommandRejected e) {
        return respond(e.status(), e.getMessage(), null);
    }

    /** A request that breaks its constraints: every field at fault, named, with what to fix. */
    @ServerExceptionMapper
    public Response constraints(ConstraintViolationException e) {
        return respond(400, Violations.describe(e.getConstraintViolations()), null);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String where = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? " (at '" + m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")) + "')"
                : "";
        return respond(400, "request body is not valid JSON for this endpoint" + where, e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        return respond(status, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (Failures.isTransient(e)) {
            // The database or the broker away for a moment: the same request succeeds once it is back.
            Log.warnf("Answering 503: %s", Failures.describe(e));
            return Response.fromResponse(respond(503, "the orchestrator cannot reach its database or Kafka right now; "
                    + "try again in a few seconds", null)).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        Log.error("Unexpected error while handling a request", e);
        return respond(500, "internal error; the orchestrator log has the details", null);
    }

    static Response respond(int status, String error, String detail) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, error, detail))
                .build();
    }
}
