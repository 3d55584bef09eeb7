package dev.cohort.dashboard.security;

import dev.cohort.dashboard.service.DashboardException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every state-changing request of the API (every REST endpoint of the dashboard is under /api) against
 * cross-site forgery, before it is matched or authenticated: a POST, PUT or PATCH must be JSON (a form of another
 * site cannot post JSON without the browser asking this site first), and a request that carries the session cookie
 * must carry that session's {@link SessionCookie#CSRF_HEADER}.
 * A request without the cookie authenticates by its Authorization header, which another site cannot set either.
 * smallrye-jwt verifies the cookie whenever there is one, so "carries the cookie" is "is authenticated by it".
 */
public class CommandRequestFilter {

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    @ServerRequestFilter(preMatching = true)
    public void guard(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!STATE_CHANGING.contains(method)) {
            return;
        }
        if (WITH_BODY.contains(method) && !isJson(request.getMediaType())) {
            throw new DashboardException(415, "Commands are sent as JSON: use Content-Type: application/json",
                    "this request's Content-Type is " + (request.getMediaType() == null ? "missing"
                            : "'" + request.getMediaType().getType() + "/" + request.getMediaType().getSubtype() + "'")
                            + "; a command without a body still says application/json");
        }
        if (method.equals("POST") && request.getUriInfo().getPath().equals("/api/session")) {
            return; // signing in starts the session; there is no CSRF value yet
        }
        Cookie session = request.getCookies().get(SessionCookie.NAME);
        if (session != null && !SessionCookie.csrfMatches(session.getValue(),
                request.getHeaderString(SessionCookie.CSRF_HEADER))) {
            throw new DashboardException(403, "This request is signed in by the session cookie but lacks its "
                    + SessionCookie.CSRF_HEADER + " header",
                    "the page sends the value GET /api/session gives it; other clients send Authorization: Bearer "
                            + "and no cookie");
        }
    }

    private static boolean isJson(MediaType type) {
        return type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()
                && !type.isWildcardSubtype();
    }
}
