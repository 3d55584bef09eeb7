package dev.cohort.context.service;

import dev.cohort.context.api.Limits;
import dev.cohort.contracts.Roles;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who sends a request, from its verified token: the principal's name ({@code upn}, {@code preferred_username} or
 * subject) and whether it is an agent worker. A worker's token is named like the worker ({@code worker-a}); its writes
 * are held to the fences of the attempts dispatched to it. Anyone else who may write (an operator or admin) is a
 * person, whose writes are not fenced and are recorded under their name; a token with the operator role acts as a
 * person even if it also has the worker role.
 */
public record Caller(String name, boolean worker) {

    public static Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || identity.getPrincipal() == null) {
            throw new IllegalStateException("no authenticated caller: the endpoint must require a role");
        }
        String name = identity.getPrincipal().getName();
        if (name == null || name.isBlank() || name.length() > Limits.AGENT_ID) {
            // the name is stored as the author, whose column holds this many characters
            throw ContextStoreException.forbidden("invalid-principal", "the token's name (upn, preferred_username or"
                    + " sub) must be 1 to " + Limits.AGENT_ID + " characters to be recorded as an author", null);
        }
        return new Caller(name, identity.hasRole(Roles.WORKER) && !identity.hasRole(Roles.OPERATOR));
    }

    public static Caller worker(String name) {
        return new Caller(name, true);
    }

    public static Caller person(String name) {
        return new Caller(name, false);
    }

    /** True when {@code agentId} names one of this worker's agents: {@code <worker name>/<anything>}. */
    public boolean owns(String agentId) {
        return agentId != null && agentId.length() > name.length() + 1 && agentId.startsWith(name + "/");
    }
}
