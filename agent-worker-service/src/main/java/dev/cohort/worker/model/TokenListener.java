package dev.cohort.worker.model;

import java.time.Duration;

/**
 * Receives a model's output as it streams, for progress events. Called on an I/O thread: return quickly and
 * never block.
 */
@FunctionalInterface
public interface TokenListener {

    TokenListener NONE = (text, tokens) -> {
    };

    /**
     * @param text   the new piece of the answer
     * @param chunks how many pieces this attempt has received so far (a proxy for tokens while streaming)
     */
    void onToken(String text, long chunks);

    /** A retryable failure ended the attempt; the next starts after {@code delay} and streams from the beginning. */
    default void onRetry(int failedAttempt, ModelCallException failure, Duration delay) {
    }
}
