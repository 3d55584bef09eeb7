package dev.cohort.orchestrator.client;

/**
 * The context store gave no answer, none in time, or a 502, 503 or 504: the failures a read is retried on and the
 * context store's circuit breaker counts. A refusal (4xx) is an answer, not one of these.
 */
public class ContextStoreUnavailableException extends ContextStoreException {

    public ContextStoreUnavailableException(String message) {
        super(message);
    }
}
