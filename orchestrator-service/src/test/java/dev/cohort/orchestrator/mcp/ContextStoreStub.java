package dev.cohort.orchestrator.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cohort.contracts.EventCodec;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the context store's artifact reads, answering in its JSON shape and with its error bodies. Every
 * task has the same artifacts, with content that names the task, except {@link #EMPTY_TASK}, which has none,
 * {@link #UNAVAILABLE_TASK}, for which a proxy answers 503, and {@link #UNAVAILABLE_ONCE_TASK}, whose every path
 * answers 503 the first time. Tests set nothing in it; they ask {@code GET /__requests?task=<id>} how many requests
 * a task got, so it serves whichever class loader the test ends up in.
 */
public class ContextStoreStub implements QuarkusTestResourceLifecycleManager {

    public static final String EMPTY_TASK = "00000000-0000-0000-0000-000000000000";
    public static final String UNAVAILABLE_TASK = "00000000-0000-0000-0000-000000000503";
    public static final String UNAVAILABLE_ONCE_TASK = "00000000-0000-0000-0000-000000000001";
    static final String DESIGN = "docs/design.md";
    static final String API = "src/api.yaml";

    private static final Pattern ARTIFACTS = Pattern.compile("/api/tasks/([^/]+)/artifacts(?:/(.+))?");

    /** key, kind, media type, number of versions. */
    private static final List<String[]> STORED = List.of(
            new String[] {DESIGN, "spec", "text/markdown", "2"},
            new String[] {API, "api-contract", "application/yaml", "1"});

    private HttpServer server;
    private final Map<String, Integer> requests = new HashMap<>();
    private final Set<String> answered = new HashSet<>();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        return Map.of("quarkus.rest-client.context-store.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static String content(String taskId, String key, long version) {
        return "# " + key + " of task " + taskId + "\nversion " + version + "\n";
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        // getPath() decodes, as the real store does with a key sent as one encoded segment
        String path = exchange.getRequestURI().getPath();
        Matcher m = ARTIFACTS.matcher(path);
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (path.equals("/__requests")) {
            respond(exchange, 200, String.valueOf(requests.getOrDefault(query.get("task"), 0)));
            return;
        }
        if (m.matches()) {
            requests.merge(m.group(1), 1, Integer::sum);
        }
        if (!exchange.getRequestMethod().equals("GET") || !m.matches()) {
            respond(exchange, 404, error(404, "not-found", "no resource at " + exchange.getRequestURI().getPath()));
        } else if (m.group(1).equals(UNAVAILABLE_TASK)
                || m.group(1).equals(UNAVAILABLE_ONCE_TASK) && answered.add(path)) {
            respond(exchange, 503, "<html><body>503 Service Unavailable</body></html>");
        } else if (m.group(1).equals(EMPTY_TASK)) {
            respond(exchange, 404, error(404, "unknown-task", "nothing has been stored for task '" + m.group(1) + "'"));
        } else if (m.group(2) == null) {
            respond(exchange, 200, list(query.get("prefix")).toString());
        } else {
            read(exchange, m.group(1), m.group(2), query.get("version"));
        }
    }

    private static ArrayNode list(String prefix) {
        ArrayNode list = EventCodec.mapper().createArrayNode();
        for (String[] a : STORED) {
            if (prefix == null || a[0].startsWith(prefix)) {
                list.addObject().put("key", a[0]).put("latestVersion", Long.parseLong(a[3])).put("kind", a[1])
                        .put("mediaType", a[2]).put("tombstone", false).put("contentHash", "sha256:" + a[0].hashCode())
                        .put("sizeBytes", 64).put("updatedAt", "2026-12-01T10:00:00Z");
            }
        }
        return list;
    }

    private static void read(HttpExchange exchange, String taskId, String key, String version) throws IOException {
        String[] stored = STORED.stream().filter(a -> a[0].equals(key)).findFirst().orElse(null);
        if (stored == null) {
            respond(exchange, 404, error(404, "unknown-artifact", "task '" + taskId + "' has no artifact '" + key + "'"));
            return;
        }
        long latest = Long.parseLong(stored[3]);
        long wanted = version == null ? latest : Long.parseLong(version);
        if (wanted > latest) {
            respond(exchange, 404, error(404, "unknown-version", "artifact '" + key + "' has no version " + wanted
                    + "; versions run from 1 to " + latest));
            return;
        }
        String content = content(taskId, key, wanted);
        ObjectNode body = EventCodec.mapper().createObjectNode().put("taskId", taskId).put("key", key)
                .put("version", wanted).put("kind", stored[1]).put("mediaType", stored[2]).put("content", content)
                .put("contentHash", "sha256:" + content.hashCode()).put("sizeBytes", content.length())
                .put("tombstone", false).put("origin", "agent").put("createdAt", "2026-12-01T10:00:00Z");
        body.putObject("author").put("role", "architect").put("agentId", "worker-1/architect");
        respond(exchange, 200, body.toString());
    }

    private static String error(int status, String error, String detail) {
        return EventCodec.mapper().createObjectNode().put("status", status).put("error", error).put("detail", detail)
                .toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
