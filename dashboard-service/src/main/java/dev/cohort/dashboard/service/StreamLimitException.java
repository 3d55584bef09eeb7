package dev.cohort.dashboard.service;

/** A stream refused because too many are open: 429, with how long to wait in Retry-After. */
public class StreamLimitException extends DashboardException {

    private final int retryAfterSeconds;

    public StreamLimitException(String message, String detail, int retryAfterSeconds) {
        super(429, message, detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
