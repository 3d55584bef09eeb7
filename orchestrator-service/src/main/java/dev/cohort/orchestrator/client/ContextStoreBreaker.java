package dev.cohort.orchestrator.client;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * The context store's circuit breaker, shared by every read: once the store has been unavailable
 * ({@link ContextStoreUnavailableException}) for enough recent calls, reads fail at once instead of each waiting for a
 * connect timeout, until the breaker lets a call through again. The thresholds and the pause are
 * {@code quarkus.fault-tolerance."dev.cohort.orchestrator.client.ContextStoreBreaker/guard".circuit-breaker.*}.
 */
@ApplicationScoped
public class ContextStoreBreaker {

    @CircuitBreaker(failOn = ContextStoreUnavailableException.class)
    @CircuitBreakerName("context-store")
    @AsynchronousNonBlocking
    public <T> Uni<T> guard(Supplier<Uni<T>> call) {
        return call.get();
    }
}
