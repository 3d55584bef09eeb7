package dev.cohort.dashboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The page's session: the caller's token in an HttpOnly cookie, which smallrye-jwt verifies like a bearer token, and
 * the anti-CSRF value that goes with it. The value is derived from the token alone, so every dashboard instance
 * computes the same one without shared state, and only a script that was given it (the page, by
 * {@code /api/session}) can send it; a page of another site can neither read the cookie nor the value.
 */
public final class SessionCookie {

    /** The cookie's name; {@code mp.jwt.token.cookie} names it too. */
    public static final String NAME = "cohort_session";
    /** The header every cookie-authenticated state-changing request must carry, equal to {@link #csrf(String)}. */
    public static final String CSRF_HEADER = "X-Cohort-CSRF";

    /** The longest cookie browsers are required to keep (RFC 6265: 4096 bytes of name, value and attributes). */
    public static final int MAX_LENGTH = 4096;

    private static final String CSRF_LABEL = "cohort-dashboard-csrf\n";

    private SessionCookie() {
    }

    /** base64url SHA-256 of a fixed label and the token: not the token, and not computable without it. */
    public static String csrf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((CSRF_LABEL + token).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether {@code header} is the CSRF value of the session holding {@code token}; compared in constant time. */
    public static boolean csrfMatches(String token, String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(csrf(token).getBytes(StandardCharsets.US_ASCII),
                header.strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** The Set-Cookie value that starts a session for {@code maxAgeSeconds}; Secure when the page came over HTTPS. */
    public static String set(String token, long maxAgeSeconds, boolean secure) {
        return NAME + "=" + token + "; Max-Age=" + Math.max(0, maxAgeSeconds) + attributes(secure);
    }

    /** The Set-Cookie value that ends the session. */
    public static String clear(boolean secure) {
        return NAME + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(secure);
    }

    private static String attributes(boolean secure) {
        return "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
