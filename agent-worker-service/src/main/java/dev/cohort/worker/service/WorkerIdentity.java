package dev.cohort.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.worker.config.WorkerConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The name this worker process uses in agent ids ({@code <name>/<role>}): {@code cohort.worker.name} when set;
 * otherwise, with a service token, the token's principal and this host ({@code cohort-worker/pod-7f9c}), so that the
 * replicas sharing one token have names of their own that the context store still recognises as that principal's;
 * otherwise the host name.
 */
public final class WorkerIdentity {

    private static final String HOST = host();
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerIdentity() {
    }

    public static String name(WorkerConfig config) {
        return config.name().filter(n -> !n.isBlank())
                .or(() -> config.token().flatMap(WorkerIdentity::principal).map(p -> p + "/" + HOST))
                .orElse(HOST);
    }

    /**
     * The principal a token names, as the services read it: {@code upn}, else {@code preferred_username}, else
     * {@code sub}. The worker only reads its own token here; the services verify it.
     */
    static Optional<String> principal(String token) {
        String[] parts = token.strip().split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            for (String claim : new String[] {"upn", "preferred_username", "sub"}) {
                if (claims.path(claim).isTextual() && !claims.path(claim).asText().isBlank()) {
                    return Optional.of(claims.path(claim).asText());
                }
            }
        } catch (Exception e) {
            // not a JWT the worker can read: the services will say what is wrong with it
        }
        return Optional.empty();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "worker-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
