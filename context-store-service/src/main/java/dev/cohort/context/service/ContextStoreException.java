package dev.cohort.context.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the store refuses, with an HTTP status, a short error code and a detail that tells the caller what to
 * fix. Thrown before anything is written, or inside a transaction that it rolls back.
 */
public class ContextStoreException extends RuntimeException {

    private final int status;
    private final String error;
    private final Map<String, Object> info;
    private final Duration retryAfter;

    public ContextStoreException(int status, String error, String detail, Map<String, Object> info) {
        this(status, error, detail, info, null);
    }

    public ContextStoreException(int status, String error, String detail, Map<String, Object> info,
                                 Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
        this.info = info == null ? Map.of() : new LinkedHashMap<>(info);
        this.retryAfter = retryAfter;
    }

    public static ContextStoreException invalid(String error, String detail) {
        return new ContextStoreException(400, error, detail, null);
    }

    public static ContextStoreException notFound(String error, String detail) {
        return new ContextStoreException(404, error, detail, null);
    }

    public static ContextStoreException notFound(String error, String detail, Map<String, Object> info) {
        return new ContextStoreException(404, error, detail, info);
    }

    public static ContextStoreException conflict(String error, String detail, Map<String, Object> info) {
        return new ContextStoreException(409, error, detail, info);
    }

    /** 403: the caller is who it says, but may not do this (as opposed to a role it lacks). */
    public static ContextStoreException forbidden(String error, String detail, Map<String, Object> info) {
        return new ContextStoreException(403, error, detail, info);
    }

    /** 503: not now; the same request may succeed after {@code retryAfter}. */
    public static ContextStoreException unavailable(String error, String detail, Map<String, Object> info,
                                                    Duration retryAfter) {
        return new ContextStoreException(503, error, detail, info, retryAfter);
    }

    /** 429: the caller holds too much at once; it may try again after {@code retryAfter}. */
    public static ContextStoreException tooMany(String error, String detail, Map<String, Object> info,
                                                Duration retryAfter) {
        return new ContextStoreException(429, error, detail, info, retryAfter);
    }

    public static ContextStoreException tooLarge(String detail, Map<String, Object> info) {
        return new ContextStoreException(413, "content-too-large", detail, info);
    }

    public static ContextStoreException unknownTask(String taskId) {
        return notFound("unknown-task", "nothing has been stored for task '" + taskId + "'");
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** Extra fields of the error body, e.g. the latest version. */
    public Map<String, Object> info() {
        return info;
    }

    /** When to try again ({@code Retry-After}); null when trying the same request again would not help. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
