package dev.cohort.worker.context;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import dev.cohort.worker.config.WorkerConfig;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Puts the worker's service token ({@code cohort.worker.token}, from {@code COHORT_WORKER_TOKEN}) on its calls to
 * the orchestrator and the context store. The token's subject is the worker's name, under which the context store
 * accepts its agents' writes.
 */
@Singleton
public class ServiceToken implements ClientRequestFilter {

    private final String authorization;

    @Inject
    public ServiceToken(WorkerConfig config) {
        this.authorization = config.token().map(String::strip).filter(t -> !t.isEmpty()).map(t -> "Bearer " + t)
                .orElse(null);
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (authorization != null) {
            request.getHeaders().putSingle("Authorization", authorization);
        }
    }
}
