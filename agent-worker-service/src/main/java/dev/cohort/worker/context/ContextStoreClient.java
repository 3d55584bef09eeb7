package dev.cohort.worker.context;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.worker.config.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads and writes artifacts for a subtask. Calls block: they run on the worker thread that runs the subtask.
 * A write names the version it read; when someone else wrote in between, the store keeps the write as a conflict
 * (the lead merges it), so nothing is lost and the subtask carries on. Every failure is a
 * {@link ContextStoreException} that says whether trying again may help; the store answers a repeated write of the
 * same (subtask, attempt, key) with its first answer, so trying again is safe.
 */
@ApplicationScoped
public class ContextStoreClient {

    /** The error code of a write the store refused because a newer attempt of its subtask exists. */
    public static final String STALE_ATTEMPT = "stale-attempt";

    /** The most keys one request reads (the store's limit, a subtask's reads and writes together). */
    static final int KEYS_PER_READ = 100;

    private final ContextStoreApi api;

    public ContextStoreClient(@RestClient ContextStoreApi api) {
        this.api = api;
    }

    /** What an artifact holds now; empty when it does not exist (or was deleted). */
    public record Stored(String key, long version, String content, String author) {
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

    /** One artifact of a listing: key, latest version and kind. */
    public record Listed(String key, long version, String kind) {
    }

    /** The task's live artifacts whose keys start with {@code prefix} (all with an empty one). */
    public List<Listed> list(String taskId, String prefix) {
        return call("list artifacts", () -> {
            try (Response response = api.list(taskId, prefix == null || prefix.isEmpty() ? null : prefix)) {
                if (response.getStatus() == 404) {
                    return List.of();
                }
                List<Listed> listed = new ArrayList<>();
                for (JsonNode item : body(response, "list artifacts")) {
                    if (!item.path("tombstone").asBoolean(false)) {
                        listed.add(new Listed(item.path("key").asText(), item.path("latestVersion").asLong(),
                                item.path("kind").asText()));
                    }
                }
                return listed;
            }
        });
    }

    public Optional<Stored> read(String taskId, String key) {
        return read(taskId, key, null);
    }

    /** The artifact's latest version, or {@code version} when given; empty when there is none. */
    public Optional<Stored> read(String taskId, String key, Long version) {
        return call("read " + key, () -> {
            try (Response response = version == null ? api.latest(taskId, key) : api.version(taskId, key, version)) {
                if (response.getStatus() == 404) {
                    return Optional.empty();
                }
                return Optional.ofNullable(stored(key, body(response, "read " + key)));
            }
        });
    }

    /**
     * The latest versions of {@code keys}, {@link #KEYS_PER_READ} to a request, in the order given; a key with nothing
     * stored (or deleted) is absent. A store that predates the request is read one key at a time.
     */
    public Map<String, Stored> readLatest(String taskId, Collection<String> keys) {
        List<String> all = List.copyOf(new LinkedHashSet<>(keys));
        Map<String, Stored> read = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += KEYS_PER_READ) {
            List<String> some = all.subList(from, Math.min(all.size(), from + KEYS_PER_READ));
            String what = "read " + some.size() + " artifact(s) (" + some.get(0) + (some.size() > 1 ? ", ..." : "") + ")";
            call(what, () -> {
                try (Response response = api.latest(taskId, Map.of("keys", some))) {
                    if (response.getStatus() == 404 || response.getStatus() == 405) {
                        some.forEach(key -> read(taskId, key).ifPresent(s -> read.put(key, s)));
                        return null;
                    }
                    for (JsonNode item : body(response, what)) {
                        Stored stored = stored(item.path("key").asText(), item);
                        if (stored != null) {
                            read.put(stored.key(), stored);
                        }
                    }
                    return null;
                }
            });
        }
        return read;
    }

    /** A version of {@code key} as the store answers it; null for a deletion. */
    private static Stored stored(String key, JsonNode body) {
        if (body.path("tombstone").asBoolean(false)) {
            return null;
        }
        JsonNode author = body.path("author");
        String by = author.path("role").isTextual()
                ? author.path("role").asText() + " " + author.path("agentId").asText("")
                : author.path("agentId").asText("unknown");
        return new Stored(key, body.path("version").asLong(), body.path("content").asText(""),
                by.strip());
    }

    public Written write(String taskId, String key, ArtifactKind kind, String mediaType, String content,
                         long baseVersion, Writer writer) {
        Map<String, Object> request = author(writer);
        request.put("key", key);
        request.put("kind", kind.id());
        request.put("mediaType", mediaType);
        request.put("content", content);
        request.put("baseVersion", baseVersion);
        return call("write " + key, () -> {
            try (Response response = api.publish(taskId, request)) {
                if (response.getStatus() == 409) {
                    JsonNode body = response.readEntity(JsonNode.class);
                    String conflictId = body.path("conflictId")
                            .asText(body.path("conflict").path("conflictId").asText(null));
                    if (conflictId != null && !conflictId.isBlank()) {
                        long current = body.path("currentVersion").asLong();
                        return new Written(new ArtifactRef(key, current, kind), conflictId);
                    }
                    throw new ContextStoreException("the context store refused to store " + key + ": " + body, 409,
                            code(body));
                }
                JsonNode body = body(response, "write " + key);
                return new Written(new ArtifactRef(key, body.path("version").asLong(), kind), null);
            }
        });
    }

    /** The three versions a merge needs: base, current and the conflicting write. */
    public JsonNode conflict(String taskId, String conflictId) {
        return call("read conflict " + conflictId, () -> {
            try (Response response = api.conflict(taskId, conflictId)) {
                return body(response, "read conflict " + conflictId);
            }
        });
    }

    public ArtifactRef resolve(String taskId, String conflictId, String key, ArtifactKind kind, String content,
                               Writer writer) {
        Map<String, Object> request = author(writer);
        request.put("content", content);
        return call("resolve conflict " + conflictId, () -> {
            try (Response response = api.resolve(taskId, conflictId, request)) {
                JsonNode body = body(response, "resolve conflict " + conflictId);
                long version = body.path("resolvedVersion").asLong(body.path("version").asLong());
                return new ArtifactRef(key, version, kind);
            }
        });
    }

    /** Runs one request; a request that got no (readable) answer fails as a {@link ContextStoreException} too. */
    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (ProcessingException e) {
            throw new ContextStoreException("the context store could not " + what + ": " + Failures.describe(e), e);
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
                    + "): " + detail, response.getStatus(), code(detail));
        }
        JsonNode body;
        try {
            body = response.readEntity(JsonNode.class);
        } catch (RuntimeException e) {
            // A connection closed mid-answer: ask again (writes are idempotent per subtask, attempt and key).
            throw new ContextStoreException("the context store's answer to " + what + " could not be read",
                    new java.io.IOException(e.toString()));
        }
        if (body == null) {
            throw new ContextStoreException("the context store's answer to " + what + " was empty",
                    new java.io.IOException("empty answer"));
        }
        return body;
    }

    /** The error code of a problem answer ({@code code}, else {@code error}); null when there is none. */
    private static String code(JsonNode body) {
        String code = body.path("code").asText(body.path("error").asText(""));
        return code.isBlank() ? null : code;
    }

    private static String code(String body) {
        try {
            return code(EventCodec.mapper().readTree(body));
        } catch (Exception e) {
            return null; // not JSON (a proxy's error page): the status says enough
        }
    }

    /** The context store is unreachable or refused a request. */
    public static class ContextStoreException extends RuntimeException {

        /** Answers that say "not now" rather than "not this": overload, time-outs and gateways without a backend. */
        private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

        private final int status;
        private final String code;

        public ContextStoreException(String message) {
            this(message, 0, null);
        }

        /** A request that got no answer: unreachable, reset, timed out, or an answer that could not be read. */
        public ContextStoreException(String message, Throwable cause) {
            super(message, cause);
            this.status = 0;
            this.code = null;
        }

        public ContextStoreException(String message, int status, String code) {
            super(message);
            this.status = status;
            this.code = code;
        }

        /** The HTTP status of the answer; 0 when there was none. */
        public int status() {
            return status;
        }

        /** True when the same request may succeed later, once the store or the path to it is back. */
        public boolean isTransient() {
            if (status == 0) {
                return getCause() != null && !Failures.isPermanent(getCause());
            }
            return TRANSIENT_STATUSES.contains(status);
        }

        /** The store fenced the write: a newer attempt of the subtask exists, so this one no longer counts. */
        public boolean isStaleAttempt() {
            return status == 409 && STALE_ATTEMPT.equals(code);
        }
    }
}
