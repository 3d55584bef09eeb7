package dev.cohort.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies bearer tokens as SmallRye JWT does, and remembers for a short while the tokens it has verified, so that a
 * caller that sends the same token with every request (a worker's or the dashboard's service token, a browser's
 * session) costs one signature check per {@code cohort.tokens.cache-ttl}, not one per request.
 *
 * <p>A remembered token is answered from memory only while all of these hold:
 * <ul>
 *   <li>it is exactly the string that was verified (the map's key is the whole token, signature included);</li>
 *   <li>it was verified with the same verification settings ({@link JWTAuthContextInfo});</li>
 *   <li>it has not expired ({@code exp});</li>
 *   <li>it was verified less than {@code cohort.tokens.cache-ttl} ago (default 60 s), which bounds how long a token
 *       keeps passing after the verification key changed (a JWKS refresh).</li>
 * </ul>
 * Anything else is verified again. A token that fails verification is never remembered. At most
 * {@code cohort.tokens.cache-size} tokens are remembered; beyond that, tokens are verified every time. A TTL of 0
 * turns remembering off.
 *
 * <p>It replaces the factory SmallRye JWT makes by default (a CDI alternative), so every path that verifies a token in
 * the service (the {@code Authorization} header, the dashboard's session cookie) goes through it.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens extends JWTCallerPrincipalFactory {

    /** Longer tokens are verified every time, so that the memory held stays bounded by the entry count. */
    static final int MAX_TOKEN_LENGTH = 8192;

    private final JWTCallerPrincipalFactory verifier;
    private final Clock clock;
    private final long ttlMillis;
    private final int maxEntries;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final Counter checked;
    private final Counter remembered;

    private record Verified(JWTCallerPrincipal principal, JWTAuthContextInfo settings, long validUntilMillis) {
    }

    @Inject
    public VerifiedTokens(@ConfigProperty(name = "cohort.tokens.cache-ttl", defaultValue = "60s") Duration ttl,
                          @ConfigProperty(name = "cohort.tokens.cache-size", defaultValue = "1000") int maxEntries,
                          MeterRegistry metrics) {
        this(new DefaultJWTCallerPrincipalFactory(), Clock.systemUTC(), ttl, maxEntries, metrics);
    }

    VerifiedTokens(JWTCallerPrincipalFactory verifier, Clock clock, Duration ttl, int maxEntries,
                   MeterRegistry metrics) {
        this.verifier = verifier;
        this.clock = clock;
        this.ttlMillis = Math.max(0, ttl.toMillis());
        this.maxEntries = Math.max(0, maxEntries);
        this.checked = verified(metrics, "signature");
        this.remembered = verified(metrics, "memory");
    }

    private static Counter verified(MeterRegistry metrics, String by) {
        return Counter.builder("cohort.tokens.verified").tag("by", by)
                .description("Bearer tokens verified: by checking their signature, or from memory of an earlier check")
                .register(metrics);
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo settings) throws ParseException {
        if (ttlMillis == 0 || token == null || token.length() > MAX_TOKEN_LENGTH) {
            return check(token, settings);
        }
        long now = clock.millis();
        Verified known = verified.get(token);
        if (known != null && known.settings() == settings && now < known.validUntilMillis()) {
            remembered.increment();
            return known.principal();
        }
        JWTCallerPrincipal principal = check(token, settings);
        long until = validUntil(principal, now);
        if (until > now) {
            remember(token, new Verified(principal, settings, until), now);
        } else if (known != null) {
            verified.remove(token, known);
        }
        return principal;
    }

    private JWTCallerPrincipal check(String token, JWTAuthContextInfo settings) throws ParseException {
        JWTCallerPrincipal principal = verifier.parse(token, settings);
        checked.increment();
        return principal;
    }

    /** The end of the window in which the token may be answered from memory; 0 when it has no expiry. */
    private long validUntil(JWTCallerPrincipal principal, long now) {
        long expiresAt = principal.getExpirationTime();
        if (expiresAt <= 0) {
            return 0;
        }
        return Math.min(expiresAt * 1000, now + ttlMillis);
    }

    private void remember(String token, Verified entry, long now) {
        if (verified.size() >= maxEntries) {
            verified.values().removeIf(v -> v.validUntilMillis() <= now);
            if (verified.size() >= maxEntries) {
                return;
            }
        }
        verified.put(token, entry);
    }

    /** How many tokens are remembered now. */
    int size() {
        return verified.size();
    }
}
