package dev.cohort.dashboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who the current request is from, as the token it was verified with says (the Authorization header or the cookie). */
@ApplicationScoped
public class Caller {

    private final JsonWebToken token;

    public Caller(JsonWebToken token) {
        this.token = token;
    }

    /**
     * The {@code Authorization} value for calls made on the caller's behalf: their own token, whichever way it came,
     * so the orchestrator and the context store judge and record the person, not the dashboard. Null when the
     * request is not authenticated.
     */
    public String authorization() {
        String raw = token.getRawToken();
        return raw == null ? null : "Bearer " + raw;
    }

    /** The principal's name: the token's upn, preferred_username or subject. */
    public String name() {
        return token.getName();
    }
}
