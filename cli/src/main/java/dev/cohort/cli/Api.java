package dev.cohort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/** HTTP calls to one Cohort service, turning failures into messages a person can act on. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String baseUrl;
    /** The bearer token sent with every request, or null. */
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Api(String name, String baseUrl) {
        this(name, baseUrl, null);
    }

    Api(String name, String baseUrl, String token) {
        this.name = name;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token == null || token.isBlank() ? null : token.strip();
    }

    /** One path segment or query value, percent-encoded; a space as %20, which paths and queries both read as one. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An artifact key: its '/' stay path separators, everything else is encoded. */
    static String encodeKey(String key) {
        return Arrays.stream(key.split("/", -1)).map(Api::encode).collect(Collectors.joining("/"));
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new CliException(1, "cannot encode the request: " + e.getMessage());
        }
        return send(request(path).header("Content-Type", "application/json").POST(publisher));
    }

    /**
     * Saves the response body as {@code target}. It is written next to the target first and moved into place only when
     * complete, so a refusal or a broken connection never replaces an earlier file with an error or half a file.
     */
    void download(String path, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new CliException(73, "cannot write " + target + ": the directory " + dir + " does not exist");
        }
        Path part;
        try {
            part = Files.createTempFile(dir, ".cohort-download-", ".part");
        } catch (IOException e) {
            throw new CliException(73, "cannot write in " + dir + ": " + e.getMessage());
        }
        try {
            HttpResponse<Path> response = http.send(request(path).timeout(Duration.ofMinutes(2))
                    .GET().build(), HttpResponse.BodyHandlers.ofFile(part));
            if (response.statusCode() >= 300) {
                throw refused(response.statusCode(), Files.readString(part));
            }
            try {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new CliException(73, "cannot write " + target + ": " + e.getMessage());
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(130, "interrupted");
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // a leftover .part file is harmless
            }
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw refused(response.statusCode(), response.body());
            }
            String body = response.body();
            return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(130, "interrupted");
        }
    }

    private CliException refused(int status, String body) {
        String message = body;
        try {
            JsonNode error = JSON.readTree(body);
            if (error.hasNonNull("error")) {
                message = error.get("error").asText() + (error.hasNonNull("detail") ? " (" + error.get("detail").asText() + ")" : "");
            }
        } catch (IOException ignored) {
            // not JSON: show it as it is
        }
        if (status == 401) {
            return new CliException(2, "the " + name + " needs a valid token (HTTP 401): "
                    + (token == null ? "none was sent" : "the one sent was refused (expired, or signed by another key)")
                    + ". Set COHORT_TOKEN, or put one in .cohort/token (deploy/local/run.sh writes it; "
                    + "`./cohort token` makes one for the local stack)");
        }
        if (status == 403) {
            return new CliException(2, "the " + name + " refused the request (HTTP 403): " + message
                    + ". Reads need the viewer role, task commands operator, checkpoints and rollbacks admin");
        }
        return new CliException(2, "the " + name + " refused the request (HTTP " + status + "): " + message);
    }

    private CliException unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException) {
            return new CliException(3, "cannot reach the " + name + " at " + baseUrl
                    + ": is it running? (deploy/local/run.sh starts Cohort; set COHORT_"
                    + name.toUpperCase().replace(' ', '_') + "_URL or --" + name.replace(' ', '-')
                    + "-url to use another address)");
        }
        return new CliException(3, "the " + name + " at " + baseUrl + " did not answer: " + e.getMessage());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }
}
