package dev.cohort.context.rest;

import dev.cohort.context.api.ConflictView;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Error bodies: {@code {"status": 409, "error": "<code>", "detail": "<what to fix>", ...extra fields}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static Response error(int status, String error, String detail, Map<String, Object> info) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", error);
        body.put("detail", detail);
        if (info != null) {
            info.forEach(body::putIfAbsent);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
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
