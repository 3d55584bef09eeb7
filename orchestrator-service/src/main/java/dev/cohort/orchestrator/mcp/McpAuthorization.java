package dev.cohort.orchestrator.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The MCP authorization spec's side of a protected resource: {@code /mcp} answers an unauthenticated call with 401
 * and {@code WWW-Authenticate: Bearer resource_metadata="…"}, and the OAuth 2.0 protected resource metadata
 * (RFC 9728) names the authorization server that issues tokens for it ({@code cohort.auth.authorization-server}, the
 * IdP's issuer URL; absent for the locally issued tokens of deploy/local/run.sh).
 */
@Singleton
public class McpAuthorization {

    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private final String mcpPath;
    private final Optional<String> authorizationServer;
    private final ObjectMapper mapper;

    public McpAuthorization(@ConfigProperty(name = "quarkus.mcp.server.http.root-path") String mcpPath,
                            @ConfigProperty(name = "cohort.auth.authorization-server")
                            Optional<String> authorizationServer,
                            ObjectMapper mapper) {
        this.mcpPath = mcpPath;
        this.authorizationServer = authorizationServer;
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        router.get(METADATA_PATH).handler(this::metadata);
        router.get(METADATA_PATH + mcpPath).handler(this::metadata);
        router.route(mcpPath).order(Integer.MIN_VALUE + 1).handler(this::challengeOn401);
        router.route(mcpPath + "/*").order(Integer.MIN_VALUE + 1).handler(this::challengeOn401);
    }

    private void challengeOn401(RoutingContext context) {
        String metadata = origin(context) + METADATA_PATH + mcpPath;
        context.addHeadersEndHandler(ignored -> {
            if (context.response().getStatusCode() == 401) {
                context.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE,
                        "Bearer resource_metadata=\"" + metadata + "\"");
            }
        });
        context.next();
    }

    private void metadata(RoutingContext context) {
        ObjectNode body = mapper.createObjectNode();
        body.put("resource", origin(context) + mcpPath);
        body.put("resource_name", "Cohort");
        var servers = body.putArray("authorization_servers");
        authorizationServer.filter(s -> !s.isBlank()).ifPresent(servers::add);
        body.putArray("bearer_methods_supported").add("header");
        body.putArray("scopes_supported").add("viewer").add("operator").add("admin");
        body.put("resource_documentation", "docs/security.md");
        context.response().putHeader(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON).end(body.toString());
    }

    /** The origin the client used, so the metadata names the address it can reach. */
    private static String origin(RoutingContext context) {
        String host = context.request().authority() == null ? "localhost" : context.request().authority().toString();
        return context.request().scheme() + "://" + host;
    }
}
