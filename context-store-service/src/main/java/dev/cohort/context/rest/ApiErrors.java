package dev.cohort.context.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.context.api.ConflictView;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Error bodies: {@code {"status": 409, "error": "<code>", "detail": "<what to fix>", ...extra fields}}. */
public final class ApiErrors {

    static final String UNAUTHORIZED_DETAIL = "send a valid bearer token (Authorization: Bearer <jwt>) signed by the key"
            + " this store trusts, for issuer and audience 'cohort', not expired";
    static final String FORBIDDEN_DETAIL = "your token's roles do not allow this: reads need viewer (every role has it),"
            + " publishing and merging need worker or operator, deletes, checkpoints and rollbacks need admin";

    private ApiErrors() {
    }

    public static Response error(int status, String error, String detail, Map<String, Object> info) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body(status, error, detail, info))
                .build();
    }

    /** The error body as JSON text, for refusals made outside Quarkus REST (Vert.x route handlers). */
    static String json(ObjectMapper mapper, int status, String error, String detail, Map<String, Object> info) {
        try {
            return mapper.writeValueAsString(body(status, error, detail, info));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> body(int status, String error, String detail, Map<String, Object> info) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", error);
        body.put("detail", detail);
        if (info != null) {
            info.forEach(body::putIfAbsent);
        }
        return body;
    }

    /** 401 with the challenge: no token, or one that is not valid here. */
    public static Response unauthorized() {
        return Response.fromResponse(error(401, "unauthorized", UNAUTHORIZED_DETAIL, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    /** 403: the token is valid but its roles do not allow the operation. */
    public static Response forbidden() {
        return error(403, "forbidden", FORBIDDEN_DETAIL, null);
    }

    /** 409 for a write kept as a conflict: the versions involved and the conflict that holds the content. */
    public static Response conflict(ConflictView conflict) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("conflictId", conflict.conflictId());
        info.put("key", conflict.key());
        info.put("baseVersion", conflict.baseVersion());
        info.put("currentVersion", conflict.currentVersion());
        info.put("replayed", Boolean.TRUE.equals(conflict.replayed()));
        String detail = "'" + conflict.key() + "' is at version " + conflict.currentVersion()
                + " but this write was based on version " + conflict.baseVersion() + "; nothing was overwritten and "
                + "your content is kept as conflict " + conflict.conflictId() + " for a merge. Read the latest "
                + "version and publish again on top of it, or leave the merge to the lead.";
        return error(409, "conflict", detail, info);
    }
}
