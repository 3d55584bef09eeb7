package dev.cohort.dashboard.client;

import dev.cohort.dashboard.security.Caller;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Puts the caller's own token on a call made on their behalf, whichever way it reached the dashboard (cookie or
 * header), so the service called judges and records the person, not the dashboard.
 */
@Singleton
public class CallerToken implements ClientRequestFilter {

    private final Caller caller;

    @Inject
    public CallerToken(Caller caller) {
        this.caller = caller;
    }

    @Override
    public void filter(ClientRequestContext request) {
        String authorization = caller.authorization();
        if (authorization != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, authorization);
        }
    }
}
