package dev.cohort.worker.model;

import dev.cohort.contracts.Redaction;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import java.time.Duration;

/**
 * A model call that failed, classified for retries and escalation. The message says what happened and what to
 * change; it never contains an API key.
 */
public class ModelCallException extends RuntimeException {

    private final FailureKind kind;
    private final boolean retryable;
    private final Duration retryAfter;
    private final ModelRef model;
    private final Integer httpStatus;
    private final int attempts;

    public ModelCallException(FailureKind kind, boolean retryable, String message, ModelRef model, Integer httpStatus,
                              Duration retryAfter, Throwable cause) {
        this(kind, retryable, message, model, httpStatus, retryAfter, cause, 1);
    }

    private ModelCallException(FailureKind kind, boolean retryable, String message, ModelRef model, Integer httpStatus,
                               Duration retryAfter, Throwable cause, int attempts) {
        super(Redaction.redact(message), cause);
        this.kind = kind;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.model = model;
        this.httpStatus = httpStatus;
        this.attempts = attempts;
    }

    public static ModelCallException of(FailureKind kind, boolean retryable, ModelRef model, String message) {
        return new ModelCallException(kind, retryable, message, model, null, null, null);
    }

    public FailureKind kind() {
        return kind;
    }

    /** Whether the same call may succeed if made again. */
    public boolean retryable() {
        return retryable;
    }

    /** The provider's Retry-After, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public ModelRef model() {
        return model;
    }

    /** The HTTP status of the provider's answer, or null when there was none. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** How many calls were made before giving up, retries included. */
    public int attempts() {
        return attempts;
    }

    public ModelCallException withAttempts(int count) {
        ModelCallException copy = new ModelCallException(kind, retryable, getMessage(), model, httpStatus, retryAfter,
                getCause(), count);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
