package dev.cohort.dashboard.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.security.SessionCookie;
import dev.cohort.dashboard.service.DashboardException;
import io.quarkus.security.Authenticated;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * The page's sign-in. A person pastes a token (or opens a {@code #login=} link); the dashboard verifies it as it
 * verifies every request and keeps it in an HttpOnly cookie, so scripts never hold it after sign-in. The answer
 * carries the anti-CSRF value the page sends with every command. The token is never logged.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Session", description = "Signing the page in and out")
public class SessionResource {

    private final JWTParser parser;
    private final JsonWebToken caller;

    public SessionResource(JWTParser parser, JsonWebToken caller) {
        this.parser = parser;
        this.caller = caller;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign in with {\"token\": \"<JWT>\"}: sets the session cookie, answers who and the CSRF value")
    public Response signIn(String body, @Context UriInfo uri) {
        String token = token(body);
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new DashboardException(401, "The token was not accepted: " + reason(e), "ask for a new token; "
                    + "it must be signed by Cohort's issuer for the audience 'cohort' and not expired");
        }
        long maxAge = jwt.getExpirationTime() - Instant.now().getEpochSecond();
        String cookie = SessionCookie.set(token, maxAge, secure(uri));
        if (cookie.length() > SessionCookie.MAX_LENGTH) {
            // A browser would drop the cookie without a word, and the page would seem to sign in and then be refused.
            throw new DashboardException(400, "This token is too large for the page's session cookie (" + token.length()
                    + " characters; browsers keep about 4000)", "use it as an Authorization: Bearer header, or ask "
                    + "for a token with fewer claims");
        }
        return Response.ok(Session.of(jwt))
                .header(HttpHeaders.SET_COOKIE, cookie)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @GET
    @Authenticated
    @Operation(summary = "Who is signed in (by the session cookie or the Authorization header), with the CSRF value")
    public Response whoAmI() {
        return Response.ok(Session.of(caller)).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @DELETE
    @PermitAll
    @Operation(summary = "Sign out: clears the session cookie")
    public Response signOut(@Context UriInfo uri) {
        return Response.noContent().header(HttpHeaders.SET_COOKIE, SessionCookie.clear(secure(uri))).build();
    }

    /** The token from {@code {"token": "..."}}; a pasted "Bearer " prefix and surrounding blanks are forgiven. */
    private static String token(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : EventCodec.mapper().readTree(body);
        } catch (Exception e) {
            json = null; // the parser's message would quote the body, which holds the token
        }
        String token = json == null ? null : json.path("token").asText("").strip();
        if (token != null && token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        if (token == null || token.isEmpty()) {
            throw new DashboardException(400, "Send the token as JSON: {\"token\": \"<your token>\"}", null);
        }
        return token;
    }

    /**
     * Why a token was refused, in words of its own: jose4j's messages can quote the token or its claims, which do
     * not belong in an answer or a log.
     */
    private static String reason(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return "it has expired";
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return "its signature does not match the issuer's key this dashboard trusts";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
                        || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return "it is from another issuer";
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                        || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return "it is meant for another audience";
                }
                if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                    return "it is not valid yet";
                }
            }
        }
        return "it is not a token this dashboard can verify";
    }

    private static boolean secure(UriInfo uri) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
    }

    /** Who is signed in: the token's name, its roles, when it expires, and the session's CSRF value. */
    public record Session(String subject, List<String> roles, Instant expiresAt, String csrf) {

        static Session of(JsonWebToken jwt) {
            return new Session(jwt.getName(), List.copyOf(new TreeSet<>(jwt.getGroups())),
                    Instant.ofEpochSecond(jwt.getExpirationTime()), SessionCookie.csrf(jwt.getRawToken()));
        }
    }
}
