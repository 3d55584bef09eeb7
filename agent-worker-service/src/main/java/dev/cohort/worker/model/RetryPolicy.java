package dev.cohort.worker.model;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Delays between retries of a model call: exponential backoff with jitter, or the provider's Retry-After when it
 * sent one. A Retry-After longer than {@code maxRetryAfter} is not waited for.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, double jitter,
                          DoubleSupplier random) {

    public RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, double jitter) {
        this(initialBackoff, maxBackoff, maxRetryAfter, jitter, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The delay before retry number {@code retry} (1 for the first), or null when the provider asks for a longer
     * wait than allowed.
     */
    public Duration delay(int retry, Duration retryAfter) {
        if (retryAfter != null) {
            if (retryAfter.compareTo(maxRetryAfter) > 0) {
                return null;
            }
            // Never earlier than asked; a little later, so that callers rate-limited together do not return together.
            long spreadMs = Math.round(initialBackoff.toMillis() * jitter * random.getAsDouble());
            return retryAfter.plusMillis(spreadMs);
        }
        double base = initialBackoff.toMillis() * Math.pow(2, Math.max(0, retry - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        double factor = 1 - jitter + 2 * jitter * random.getAsDouble();
        return Duration.ofMillis(Math.max(0, Math.round(capped * factor)));
    }
}
