package dev.cohort.orchestrator.client;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/** Adds the orchestrator's service token ({@code cohort.orchestrator.token}) to its calls of other services. */
@ApplicationScoped
public class ServiceToken implements ClientHeadersFactory {

    private final OrchestratorConfig config;

    public ServiceToken(OrchestratorConfig config) {
        this.config = config;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
                                                 MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        config.token().filter(t -> !t.isBlank())
                .ifPresent(token -> headers.putSingle("Authorization", "Bearer " + token.strip()));
        return headers;
    }
}
