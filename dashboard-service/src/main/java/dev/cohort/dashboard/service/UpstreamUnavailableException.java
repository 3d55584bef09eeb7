package dev.cohort.dashboard.service;

/**
 * An upstream that gave no answer, none in time, or a 502, 503 or 504: the failures a read is retried on and an
 * upstream's circuit breaker counts. A refusal (4xx) or an upstream's own error (500) is an answer, not one of these.
 */
public class UpstreamUnavailableException extends DashboardException {

    public UpstreamUnavailableException(int status, String message, String detail) {
        super(status, message, detail);
    }
}
