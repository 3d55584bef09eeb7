package dev.cohort.context.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.cohort.context.service.ContextStoreException;
import dev.cohort.contracts.Failures;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into a JSON error body; a client never sees a stack trace. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response refused(ContextStoreException e) {
        Response response = ApiErrors.error(e.status(), e.error(), e.getMessage(), e.info());
        if (e.retryAfter() == null) {
            return response;
        }
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, seconds).build();
    }

    /** A request that breaks its constraints: answered as the rule it breaks answers, naming the field. */
    @ServerExceptionMapper
    public Response constraints(ConstraintViolationException e) {
        return RequestViolations.answer(e.getConstraintViolations());
    }

    /**
     * A token that is not signed by the trusted key, expired, or for another issuer or audience. Quarkus has already
     * put the challenge ({@code WWW-Authenticate: Bearer}) on the response.
     */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return ApiErrors.error(401, "unauthorized", ApiErrors.UNAUTHORIZED_DETAIL, null);
    }

    /** An anonymous call of an endpoint that needs a role. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return ApiErrors.unauthorized();
    }

    /** An authenticated caller whose roles do not allow the operation. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiErrors.forbidden();
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return ApiErrors.error(400, "malformed-json", describe(e), null);
    }

    /** Declared for this subtype too, so that it takes precedence over the built-in mapper of Quarkus REST. */
    @ServerExceptionMapper
    public Response badJsonInput(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        int status = e.getResponse().getStatus();
        String path = "/" + uri.getPath().replaceFirst("^/+", "");
        return switch (status) {
            case 404 -> ApiErrors.error(404, "not-found", "no resource at " + path + "; see /q/openapi for the API", null);
            case 405 -> ApiErrors.error(405, "method-not-allowed", "this method is not supported on " + path, null);
            case 415 -> ApiErrors.error(415, "unsupported-media-type", "send the body as application/json", null);
            case 406 -> ApiErrors.error(406, "not-acceptable", "this resource cannot produce the requested media type", null);
            default -> status >= 500 ? unexpected(e)
                    : ApiErrors.error(status, "bad-request", e.getResponse().getStatusInfo().getReasonPhrase(), null);
        };
    }

    /** Seconds a client is asked to wait before trying again while the database cannot be reached. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Failures.isTransient(e)) {
            // The database away for a moment (a restart, a failover): the same request succeeds once it is back.
            Log.warnf("Answering 503: %s", Failures.describe(e));
            return Response.fromResponse(ApiErrors.error(503, "unavailable", "the context store cannot reach its "
                    + "database right now; try again in a few seconds", null))
                    .header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        String reference = UUID.randomUUID().toString();
        Log.errorf(e, "unexpected failure, reference %s", reference);
        return ApiErrors.error(500, "internal-error", "the request failed on our side; quote reference " + reference
                + " when reporting it", Map.of("reference", reference));
    }

    static String describe(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? path(mapping) : "";
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return (field.isEmpty() ? "" : "field '" + field + "': ") + cause.getMessage();
        }
        if (e instanceof InvalidFormatException invalid && !field.isEmpty()) {
            return "field '" + field + "' has the value " + invalid.getValue() + ", which is not a valid "
                    + invalid.getTargetType().getSimpleName();
        }
        if (e instanceof MismatchedInputException mismatch && !field.isEmpty()) {
            return "field '" + field + "' has the wrong type: expected "
                    + (mismatch.getTargetType() == null ? "another type" : mismatch.getTargetType().getSimpleName());
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "the request body is not valid JSON" + where + ": " + e.getOriginalMessage();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
