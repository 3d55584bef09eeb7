package dev.cohort.orchestrator.rest;

/** A request the API refuses, with the HTTP status and a message that says what to fix. */
public class ApiException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0);
    }

    private ApiException(int status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: the caller asked too often or has too much under way; try again after {@code retryAfterSeconds}. */
    public static ApiException tooMany(String message, long retryAfterSeconds) {
        return new ApiException(429, message, Math.max(1, retryAfterSeconds));
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public int status() {
        return status;
    }

    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
