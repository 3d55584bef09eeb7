package dev.cohort.worker.context;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.worker.config.WorkerConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads and writes artifacts for a subtask. Calls block: they run on the worker thread that runs the subtask.
 * A write names the version it read; when someone else wrote in between, the store keeps the write as a conflict
 * (the lead merges it), so nothing is lost and the subtask carries on.
 */
@ApplicationScoped
public class ContextStoreClient {

    private final ContextStoreApi api;

    public ContextStoreClient(WorkerConfig config) {
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.contextStoreUrl()))
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                // 404 (nothing stored yet) and 409 (a conflict kept for the lead) are answers, not errors.
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(ContextStoreApi.class);
    }

    /** What an artifact holds now; empty when it does not exist (or was deleted). */
    public record Stored(String key, long version, String content) {
    }

    /** The outcome of a write: stored as a version, or kept as a conflict for the lead. */
    public record Written(ArtifactRef ref, String conflictId) {
        public boolean conflicted() {
            return conflictId != null;
        }
    }

    /** Who writes, for the store's author fields and idempotency on (subtask, attempt, key). */
    public record Writer(String role, String agentId, String provider, String model, String subtaskId, int attempt,
                         String leaseToken) {
    }

    public Optional<Stored> read(String taskId, String key) {
        try (Response response = api.latest(taskId, key)) {
            if (response.getStatus() == 404) {
                return Optional.empty();
            }
            JsonNode body = body(response, "read " + key);
            if (body.path("tombstone").asBoolean(false)) {
                return Optional.empty();
            }
            return Optional.of(new Stored(key, body.path("version").asLong(), body.path("content").asText("")));
        }
    }

    public Written write(String taskId, String key, ArtifactKind kind, String mediaType, String content,
                         long baseVersion, Writer writer) {
        Map<String, Object> request = author(writer);
        request.put("key", key);
        request.put("kind", kind.id());
        request.put("mediaType", mediaType);
        request.put("content", content);
        request.put("baseVersion", baseVersion);
        try (Response response = api.publish(taskId, request)) {
            if (response.getStatus() == 409) {
                JsonNode body = response.readEntity(JsonNode.class);
                String conflictId = body.path("conflictId").asText(body.path("conflict").path("conflictId").asText(null));
                if (conflictId != null && !conflictId.isBlank()) {
                    return new Written(new ArtifactRef(key, body.path("currentVersion").asLong(), kind), conflictId);
                }
                throw new ContextStoreException("the context store refused to store " + key + ": " + body);
            }
            JsonNode body = body(response, "write " + key);
            return new Written(new ArtifactRef(key, body.path("version").asLong(), kind), null);
        }
    }

    /** The three versions a merge needs: base, current and the conflicting write. */
    public JsonNode conflict(String taskId, String conflictId) {
        try {
            return api.conflict(taskId, conflictId);
        } catch (ProcessingException | jakarta.ws.rs.WebApplicationException e) {
            throw new ContextStoreException("cannot read conflict " + conflictId + ": " + e.getMessage(), e);
        }
    }

    public ArtifactRef resolve(String taskId, String conflictId, String key, ArtifactKind kind, String content,
                               Writer writer) {
        Map<String, Object> request = author(writer);
        request.put("content", content);
        try (Response response = api.resolve(taskId, conflictId, request)) {
            JsonNode body = body(response, "resolve conflict " + conflictId);
            long version = body.path("resolvedVersion").asLong(body.path("version").asLong());
            return new ArtifactRef(key, version, kind);
        }
    }

    private static Map<String, Object> author(Writer writer) {
        Map<String, Object> request = new HashMap<>();
        request.put("role", writer.role());
        request.put("agentId", writer.agentId());
        request.put("provider", writer.provider());
        request.put("model", writer.model());
        request.put("subtaskId", writer.subtaskId());
        request.put("attempt", writer.attempt());
        request.put("leaseToken", writer.leaseToken());
        return request;
    }

    private static JsonNode body(Response response, String what) {
        if (response.getStatus() >= 300) {
            String detail = response.hasEntity() ? response.readEntity(String.class) : "";
            throw new ContextStoreException("the context store could not " + what + " (HTTP " + response.getStatus()
                    + "): " + detail);
        }
        return response.readEntity(JsonNode.class);
    }

    /** The context store is unreachable or refused a request. */
    public static class ContextStoreException extends RuntimeException {
        public ContextStoreException(String message) {
            super(message);
        }

        public ContextStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
