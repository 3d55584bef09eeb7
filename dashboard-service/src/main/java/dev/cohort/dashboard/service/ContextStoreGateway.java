package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.config.DashboardConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Read-only pass-through to the context store's task API (artifacts, history, diffs, conflicts), so the page talks
 * to one origin and needs no CORS. Paths are forwarded as the page encoded them: artifact keys contain '/', which
 * a typed REST client would re-encode. Each read carries the caller's {@code Authorization}, so the context store
 * judges the caller itself; its 401 and 403 come back as they are.
 */
@ApplicationScoped
public class ContextStoreGateway {

    /** Only these reads are forwarded; everything else is refused, so the proxy cannot reach other endpoints. */
    private static final Pattern ALLOWED = Pattern.compile(
            "tasks/[A-Za-z0-9._~-]+/(artifacts|artifacts/.+|history/.+|diff/.+|conflicts|conflicts/[A-Za-z0-9-]+)");

    private final HttpClient http;
    private final String baseUrl;
    private final Duration timeout;

    public ContextStoreGateway(DashboardConfig config) {
        this.baseUrl = config.contextStoreUrl().replaceAll("/+$", "");
        this.timeout = config.contextStoreTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * @param authorization the caller's {@code Authorization} value
     * @param path below {@code /api/}, still URL-encoded
     * @param query the raw query string or null
     */
    public Uni<Reply> get(String authorization, String path, String query) {
        if (path.contains("..") || !ALLOWED.matcher(path).matches()) {
            throw new DashboardException(404, "The dashboard does not forward '" + path + "' to the context store",
                    "it forwards reads of a task's artifacts, history, diffs and conflicts");
        }
        URI uri = URI.create(baseUrl + "/api/" + path + (query == null || query.isBlank() ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .onFailure().transform(this::unreachable)
                .map(response -> {
                    if (response.statusCode() >= 400) {
                        throw refused(response);
                    }
                    String type = response.headers().firstValue("Content-Type").orElse("application/json");
                    String body = type.contains("json") ? LeaseTokens.strip(response.body()) : response.body();
                    return new Reply(response.statusCode(), type, body);
                });
    }

    private DashboardException refused(HttpResponse<String> response) {
        String error = null;
        String detail = null;
        try {
            JsonNode json = EventCodec.mapper().readTree(response.body());
            error = json.path("error").asText(null);
            detail = json.path("detail").asText(null);
        } catch (Exception e) {
            // not a JSON error body: the status says enough
        }
        int status = response.statusCode() >= 500 ? 502 : response.statusCode();
        return new DashboardException(status, "The context store answered HTTP " + response.statusCode()
                + (error == null ? "" : " (" + error + ")"), detail);
    }

    private DashboardException unreachable(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof HttpTimeoutException) {
            return new DashboardException(504, "The context store did not answer in time", "it is at " + baseUrl);
        }
        return new DashboardException(503, "The context store is not reachable",
                "it is expected at " + baseUrl + " (cohort.dashboard.context-store-url): " + root);
    }

    /** The context store's answer, passed on to the page as it is. */
    public record Reply(int status, String contentType, String body) {
    }
}
