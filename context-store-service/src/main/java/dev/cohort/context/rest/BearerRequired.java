package dev.cohort.context.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;

/**
 * Answers a request to {@code /api} that carries no bearer token with 401, the challenge and the same JSON error as
 * every other refusal. It runs just before authentication; without it the path permission
 * ({@code quarkus.http.auth.permission.api}) refuses such a request all the same, with an empty body. Requests with a
 * token go on to be verified.
 */
@Singleton
public class BearerRequired {

    private static final String API = "/api";

    private final ObjectMapper mapper;

    public BearerRequired(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void install(@Observes Filters filters) {
        filters.register(this::check, SecurityHandlerPriorities.AUTHENTICATION + 1);
    }

    private void check(RoutingContext context) {
        String path = context.normalizedPath();
        if (!(path.equals(API) || path.startsWith(API + "/")) || bearer(context)) {
            context.next();
            return;
        }
        String json = ApiErrors.json(mapper, 401, "unauthorized", ApiErrors.UNAUTHORIZED_DETAIL, null);
        context.response().setStatusCode(401)
                .putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
                .putHeader(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .end(json);
    }

    private static boolean bearer(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        return authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith("bearer ");
    }
}
