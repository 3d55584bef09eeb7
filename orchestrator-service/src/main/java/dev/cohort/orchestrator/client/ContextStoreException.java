package dev.cohort.orchestrator.client;

/** The context store refused a read or could not be reached; the message says which and what to do. */
public class ContextStoreException extends RuntimeException {

    public ContextStoreException(String message) {
        super(message);
    }
}
