package dev.cohort.orchestrator.rest;

import io.quarkus.security.identity.SecurityIdentity;

/** The name under which a caller's actions are recorded: its token's {@code upn}, {@code preferred_username} or subject. */
public final class Callers {

    private Callers() {
    }

    public static String name(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || identity.getPrincipal() == null) {
            throw new IllegalStateException("no authenticated caller: the endpoint must require a role");
        }
        return identity.getPrincipal().getName();
    }
}
