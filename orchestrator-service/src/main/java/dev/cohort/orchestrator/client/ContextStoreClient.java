package dev.cohort.orchestrator.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads a task's artifacts from the context store, the one place its failures become a
 * {@link ContextStoreException} in words. No answer, none in time, or a 502/503/504 is a
 * {@link ContextStoreUnavailableException}: a read is retried on it (how often and how soon is
 * {@code quarkus.fault-tolerance."dev.cohort.orchestrator.client.ContextStoreClient/<method>".retry.*}) and the
 * store's circuit breaker counts it ({@link ContextStoreBreaker}). A refusal (unknown task, key or version) is not
 * retried and carries the store's own words.
 */
@ApplicationScoped
public class ContextStoreClient {

    private final ContextStoreApi api;
    private final ContextStoreBreaker breaker;
    private final ObjectMapper mapper;
    private final String url;

    public ContextStoreClient(@RestClient ContextStoreApi api, ContextStoreBreaker breaker, ObjectMapper mapper,
                              @ConfigProperty(name = "quarkus.rest-client.context-store.url") String url) {
        this.api = api;
        this.breaker = breaker;
        this.mapper = mapper;
        this.url = url;
    }

    /** The latest version of each artifact of the task, without content; only keys starting with {@code prefix}. */
    @Retry(retryOn = ContextStoreUnavailableException.class)
    @AsynchronousNonBlocking
    public Uni<JsonNode> artifacts(String taskId, String prefix) {
        return read(() -> api.artifacts(taskId, prefix), "artifacts for task " + taskId);
    }

    /** One version of an artifact with its content; the latest when {@code version} is null. */
    @Retry(retryOn = ContextStoreUnavailableException.class)
    @AsynchronousNonBlocking
    public Uni<JsonNode> artifact(String taskId, String key, Long version) {
        return read(() -> api.artifact(taskId, key, version),
                "artifact '" + key + "'" + (version == null ? "" : " at version " + version) + " in task " + taskId);
    }

    private Uni<JsonNode> read(Supplier<Uni<JsonNode>> call, String what) {
        return breaker.guard(() -> call.get().onFailure().transform(failure -> failed(failure, what)))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> new ContextStoreException(
                        "the context store is not reachable at " + url + " (set quarkus.rest-client.context-store.url):"
                                + " its last calls failed, so the orchestrator tries it again in a few seconds"));
    }

    private ContextStoreException failed(Throwable failure, String what) {
        if (!(failure instanceof WebApplicationException web)) {
            return new ContextStoreUnavailableException("the context store is not reachable at " + url
                    + " (set quarkus.rest-client.context-store.url): " + rootMessage(failure));
        }
        int status = web.getResponse().getStatus();
        if (status >= 502 && status <= 504) {
            // a proxy in front of a store that is away, not the store's own answer
            return new ContextStoreUnavailableException("the context store at " + url + " is unavailable (HTTP "
                    + status + ") to read " + what);
        }
        return refused(web.getResponse(), what);
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
