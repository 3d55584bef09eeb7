package dev.cohort.orchestrator.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads a task's artifacts from the context store. A connection failure is retried briefly; a refusal (unknown
 * task, key or version) is not, and comes back as a {@link ContextStoreException} carrying the store's own words.
 */
@ApplicationScoped
public class ContextStoreClient {

    private final ContextStoreApi api;
    private final ObjectMapper mapper;
    private final String url;

    public ContextStoreClient(@RestClient ContextStoreApi api, ObjectMapper mapper,
                              @ConfigProperty(name = "quarkus.rest-client.context-store.url") String url) {
        this.api = api;
        this.mapper = mapper;
        this.url = url;
    }

    /** The latest version of each artifact of the task, without content; only keys starting with {@code prefix}. */
    public Uni<JsonNode> artifacts(String taskId, String prefix) {
        return read(Uni.createFrom().deferred(() -> api.artifacts(taskId, prefix)), "artifacts for task " + taskId);
    }

    /** One version of an artifact with its content; the latest when {@code version} is null. */
    public Uni<JsonNode> artifact(String taskId, String key, Long version) {
        return read(Uni.createFrom().deferred(() -> api.artifact(taskId, key, version)),
                "artifact '" + key + "'" + (version == null ? "" : " at version " + version) + " in task " + taskId);
    }

    private Uni<JsonNode> read(Uni<JsonNode> call, String what) {
        return call
                .onFailure(ProcessingException.class).retry().withBackOff(Duration.ofMillis(100)).atMost(2)
                .onFailure().transform(failure -> failure instanceof WebApplicationException web
                        ? refused(web.getResponse(), what)
                        : new ContextStoreException("the context store is not reachable at " + url
                                + " (set quarkus.rest-client.context-store.url): " + rootMessage(failure)));
    }

    private ContextStoreException refused(Response response, String what) {
        String detail = null;
        try {
            JsonNode body = mapper.readTree(response.readEntity(String.class));
            detail = body.path("detail").asText(null);
        } catch (RuntimeException | java.io.IOException e) {
            // not the store's JSON error body: the status says enough
        }
        int status = response.getStatus();
        String message = status == 404 ? "the context store has no " + what
                : "the context store refused to read " + what + " (HTTP " + status + ")";
        return new ContextStoreException(message + (detail == null || detail.isBlank() ? "" : ": " + detail));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
