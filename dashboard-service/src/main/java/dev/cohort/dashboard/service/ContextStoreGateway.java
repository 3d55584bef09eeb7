package dev.cohort.dashboard.service;

import dev.cohort.dashboard.client.ContextStoreClient;
import dev.cohort.dashboard.config.DashboardConfig;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Read-only pass-through to the context store's task API (artifacts, history, diffs, conflicts), so the page talks
 * to one origin and needs no CORS. Paths are forwarded as the page encoded them. Each read carries the caller's own
 * token, so the context store judges the caller itself; its refusals come back in its own words ({@link Upstream}).
 * A read is retried when the context store was unavailable ({@link UpstreamUnavailableException}; how often and how
 * soon is {@code quarkus.fault-tolerance."dev.cohort.dashboard.service.ContextStoreGateway/get".retry.*}), through the
 * context store's circuit breaker ({@link UpstreamBreakers}).
 */
@ApplicationScoped
public class ContextStoreGateway {

    /** Only these reads are forwarded; everything else is refused, so the proxy cannot reach other endpoints. */
    private static final Pattern ALLOWED = Pattern.compile(
            "tasks/[A-Za-z0-9._~-]+/(artifacts|artifacts/.+|history/.+|diff/.+|conflicts|conflicts/[A-Za-z0-9-]+)");

    private final ContextStoreClient client;
    private final Upstream upstream;

    public ContextStoreGateway(@RestClient ContextStoreClient client, DashboardConfig config,
                               UpstreamBreakers breakers) {
        this.client = client;
        this.upstream = new Upstream("context store", config.contextStoreUrl(), "cohort.dashboard.context-store-url",
                breakers::contextStore);
    }

    /**
     * @param path below {@code /api/}, still URL-encoded
     * @param query the request's query parameters
     */
    @Retry(retryOn = UpstreamUnavailableException.class)
    @AsynchronousNonBlocking
    public Uni<Reply> get(String path, MultivaluedMap<String, String> query) {
        if (path.contains("..") || !ALLOWED.matcher(path).matches()) {
            throw new DashboardException(404, "The dashboard does not forward '" + path + "' to the context store",
                    "it forwards reads of a task's artifacts, history, diffs and conflicts");
        }
        return upstream.call("read " + path, () -> client.get(path, query), response -> {
            String type = response.getHeaderString(HttpHeaders.CONTENT_TYPE);
            type = type == null ? "application/json" : type;
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return new Reply(response.getStatus(), type, type.contains("json") ? LeaseTokens.strip(body) : body);
        });
    }

    /** The context store's answer, passed on to the page as it is. */
    public record Reply(int status, String contentType, String body) {
    }
}
