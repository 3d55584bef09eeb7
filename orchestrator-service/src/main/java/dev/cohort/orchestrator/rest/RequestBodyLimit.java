package dev.cohort.orchestrator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body whose declared length is over {@code quarkus.http.limits.max-body-size} before it is read, with the
 * API's JSON error naming the limit. Quarkus's own check, which answers with an empty 413, still covers chunked
 * bodies, whose length is known only while they are read.
 */
@Singleton
public class RequestBodyLimit {

    private final long limitBytes;
    private final ObjectMapper mapper;

    public RequestBodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit,
                            ObjectMapper mapper) {
        this.limitBytes = limit.asLongValue();
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1; // a malformed length is the HTTP codec's to refuse
        }
        if (declared <= limitBytes) {
            context.next();
            return;
        }
        String json;
        try {
            json = mapper.writeValueAsString(new ApiError(413, "the request body is " + declared + " bytes; the limit "
                    + "is " + limitBytes + " bytes", "fields have their own, smaller limits: see docs/api.md#limits"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().setStatusCode(413)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .putHeader(HttpHeaderNames.CONNECTION, "close")
                .endHandler(ignored -> context.request().connection().close())
                .end(json);
    }
}
