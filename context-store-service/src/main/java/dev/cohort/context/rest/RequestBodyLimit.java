package dev.cohort.context.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.context.config.ContextStoreConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body whose declared length is over {@code quarkus.http.limits.max-body-size} before it is read, with the
 * same JSON error as every other refusal. It runs just before Quarkus's own check, which answers with an empty 413;
 * that one still covers chunked bodies, whose length is only known while they are read.
 */
@Singleton
public class RequestBodyLimit {

    private final long limitBytes;
    private final int maxContentBytes;
    private final ObjectMapper mapper;

    public RequestBodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                            MemorySize limit,
                            ContextStoreConfig config, ObjectMapper mapper) {
        this.limitBytes = limit.asLongValue();
        this.maxContentBytes = config.maxContentBytes();
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        long declared = declaredLength(context);
        if (declared <= limitBytes) {
            context.next();
            return;
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("limitBytes", limitBytes);
        info.put("sizeBytes", declared);
        String json = ApiErrors.json(mapper, 413, "request-too-large", "the request body is " + declared
                + " bytes; the limit is " + limitBytes + " bytes (quarkus.http.limits.max-body-size). Artifact content"
                + " may be at most " + maxContentBytes + " bytes of UTF-8 (cohort.context.max-content-bytes); split a"
                + " larger artifact into several keys.", info);
        // the unread body would otherwise have to be drained; closing is what Quarkus does too
        context.response().setStatusCode(413)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .putHeader(HttpHeaderNames.CONNECTION, "close")
                .endHandler(ignored -> context.request().connection().close())
                .end(json);
    }

    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            // a malformed length is the HTTP codec's to refuse
            return -1;
        }
    }
}
