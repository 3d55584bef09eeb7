package dev.cohort.dashboard.service;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * One circuit breaker per upstream, shared by its reads and commands: once the upstream has been unavailable
 * ({@link UpstreamUnavailableException}) for enough recent calls, the page's calls to it fail at once instead of each
 * waiting for a connect timeout, until the breaker lets a call through again. The thresholds and the pause are
 * {@code quarkus.fault-tolerance."dev.cohort.dashboard.service.UpstreamBreakers/<upstream>".circuit-breaker.*}.
 */
@ApplicationScoped
public class UpstreamBreakers {

    @CircuitBreaker(failOn = UpstreamUnavailableException.class)
    @CircuitBreakerName("orchestrator")
    @AsynchronousNonBlocking
    public <T> Uni<T> orchestrator(Supplier<Uni<T>> call) {
        return call.get();
    }

    @CircuitBreaker(failOn = UpstreamUnavailableException.class)
    @CircuitBreakerName("context-store")
    @AsynchronousNonBlocking
    public <T> Uni<T> contextStore(Supplier<Uni<T>> call) {
        return call.get();
    }
}
