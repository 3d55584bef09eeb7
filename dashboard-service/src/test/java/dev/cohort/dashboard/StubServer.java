package dev.cohort.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cohort.contracts.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the orchestrator or the context store: it records every request (with its Authorization header,
 * the caller's token the dashboard passes on) and answers with canned
 * responses. Tests talk to it over HTTP ({@code /__requests}, {@code /__respond}, {@code /__reset}), so it works
 * whatever class loader the test and the test resource end up in.
 */
public final class StubServer {

    private final HttpServer server;
    private final List<ObjectNode> requests = new ArrayList<>();
    /** "METHOD path" to its answers, [status, body, uses left], in order; the last one, with 0 uses left, stands. */
    private final Map<String, List<Object[]>> responses = new LinkedHashMap<>();

    public StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status;
        String answer;
        synchronized (this) {
            if (path.equals("/__requests")) {
                status = 200;
                ArrayNode list = EventCodec.mapper().createArrayNode();
                requests.forEach(list::add);
                answer = list.toString();
            } else if (path.equals("/__reset")) {
                requests.clear();
                responses.clear();
                status = 204;
                answer = null;
            } else if (path.equals("/__respond")) {
                JsonNode spec = EventCodec.mapper().readTree(body);
                List<Object[]> answers = responses.computeIfAbsent(
                        spec.get("method").asText() + " " + spec.get("path").asText(), k -> new ArrayList<>());
                int times = spec.path("times").asInt();
                Object[] canned = {spec.get("status").asInt(), spec.get("body").toString(), times};
                if (times == 0) {
                    answers.removeIf(a -> (int) a[2] == 0);
                    answers.add(canned);
                } else {
                    int standing = (int) answers.stream().filter(a -> (int) a[2] == 0).count();
                    answers.add(answers.size() - standing, canned);
                }
                status = 204;
                answer = null;
            } else {
                ObjectNode r = EventCodec.mapper().createObjectNode();
                r.put("method", method).put("path", path).put("query", query).put("body", body)
                        .put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
                requests.add(r);
                Object[] canned = match(method + " " + path + (query == null ? "" : "?" + query));
                status = canned == null ? 200 : (int) canned[0];
                answer = canned == null ? "{}" : (String) canned[1];
            }
        }
        if (answer == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.startsWith("\"")
                    ? "text/plain" : "application/json");
            if (answer.startsWith("\"")) {
                bytes = EventCodec.mapper().readTree(answer).asText().getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** An answer for the exact path and query, else for the path whatever the query; one given a count is used up. */
    private Object[] match(String request) {
        String key = responses.containsKey(request) || request.indexOf('?') < 0
                ? request : request.substring(0, request.indexOf('?'));
        List<Object[]> answers = responses.get(key);
        if (answers == null || answers.isEmpty()) {
            return null;
        }
        Object[] canned = answers.get(0);
        if ((int) canned[2] > 0) {
            canned[2] = (int) canned[2] - 1;
            if ((int) canned[2] == 0) {
                answers.remove(0);
            }
        }
        return canned;
    }

    /** The test side: drives a stub by its URL. */
    public record Remote(String url) {

        private static final HttpClient HTTP = HttpClient.newHttpClient();

        public void reset() {
            send("POST", "/__reset", "");
        }

        /**
         * Canned answer for {@code method path}, or only for one query with {@code path?query}; a JSON string body is
         * sent as plain text.
         */
        public void respond(String method, String path, int status, JsonNode body) {
            respond(method, path, status, body, 0);
        }

        /**
         * As {@link #respond(String, String, int, JsonNode)}, for the next {@code times} requests only; then the
         * answer given without a count, if any, holds again.
         */
        public void respond(String method, String path, int status, JsonNode body, int times) {
            ObjectNode spec = EventCodec.mapper().createObjectNode();
            spec.put("method", method).put("path", path).put("status", status).put("times", times).set("body", body);
            send("POST", "/__respond", spec.toString());
        }

        public List<JsonNode> requests() {
            List<JsonNode> list = new ArrayList<>();
            try {
                EventCodec.mapper().readTree(send("GET", "/__requests", null)).forEach(list::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return list;
        }

        public List<JsonNode> requests(String method, String path) {
            return requests().stream()
                    .filter(r -> r.get("method").asText().equals(method) && r.get("path").asText().equals(path))
                    .toList();
        }

        private String send(String method, String path, String body) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
                b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
