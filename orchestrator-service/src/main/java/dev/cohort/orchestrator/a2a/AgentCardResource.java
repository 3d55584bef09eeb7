package dev.cohort.orchestrator.a2a;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The A2A agent card (specification 1.0, section 8) at the well-known URI, open without a token as discovery needs:
 * who Cohort is, where its JSON-RPC endpoint is ({@code cohort.a2a.url}, or the origin of this request followed by
 * {@code /a2a}), what it can do, and that every call needs a bearer JWT, the tokens of the REST API.
 */
@Path("/.well-known/agent-card.json")
@Tag(name = "A2A")
public class AgentCardResource {

    static final String SECURITY_SCHEME = "bearer";
    private static final int MAX_AGE_SECONDS = 300;

    private final A2aConfig config;
    private final ObjectMapper mapper;

    public AgentCardResource(A2aConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The A2A agent card")
    public Response card(@Context HttpServerRequest http, @Context Request request) {
        String body = card(config.url().filter(u -> !u.isBlank()).orElseGet(() -> origin(http) + "/a2a")).toString();
        EntityTag tag = new EntityTag(hash(body));
        CacheControl cache = new CacheControl();
        cache.setMaxAge(MAX_AGE_SECONDS);
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        return (unchanged != null ? unchanged : Response.ok(body, MediaType.APPLICATION_JSON_TYPE))
                .tag(tag).cacheControl(cache).build();
    }

    /** The card, naming {@code url} as the JSON-RPC endpoint. */
    ObjectNode card(String url) {
        ObjectNode card = mapper.createObjectNode();
        card.put("name", "Cohort");
        card.put("description", "A team of LLM agents that builds software from a task in words. A lead plans the "
                + "work as a graph of subtasks; an architect designs, backend and frontend developers implement, a "
                + "reviewer reviews and a tester tests, in parallel where the plan allows, sharing their work through "
                + "a versioned store; the lead merges and summarises. Send the task as a message: its text becomes "
                + "the task's description and its first line the title. The task's state follows the team's "
                + "progress; its summary is the artifact 'summary', and every file the team wrote is in Cohort's "
                + "context store.");
        ArrayNode interfaces = card.putArray("supportedInterfaces");
        interfaces.addObject().put("url", url).put("protocolBinding", A2aProtocol.BINDING)
                .put("protocolVersion", A2aProtocol.VERSION);
        card.put("version", config.version());
        ObjectNode capabilities = card.putObject("capabilities");
        capabilities.put("streaming", true);
        capabilities.put("pushNotifications", false);
        capabilities.put("extendedAgentCard", false);
        card.putObject("securitySchemes").putObject(SECURITY_SCHEME).putObject("httpAuthSecurityScheme")
                .put("description", "A JWT from Cohort's issuer or identity provider, the tokens of its REST API "
                        + "(docs/security.md): role viewer reads (GetTask, ListTasks, SubscribeToTask), role operator "
                        + "also sends messages and cancels (SendMessage, SendStreamingMessage, CancelTask)")
                .put("scheme", "Bearer")
                .put("bearerFormat", "JWT");
        card.putArray("securityRequirements").addObject().putObject("schemes").putObject(SECURITY_SCHEME)
                .putArray("list");
        strings(card.putArray("defaultInputModes"), List.of("text/plain", "text/markdown"));
        strings(card.putArray("defaultOutputModes"), List.of("text/plain", "text/markdown"));
        ArrayNode skills = card.putArray("skills");
        skill(skills, "build-software", "Build software", "Plans, designs, implements, reviews and tests a piece of "
                        + "software with a team of role-specialised agents, from a description in words. With "
                        + "metadata {\"cohort\": {\"approvalMode\": \"manual\"}} the plan waits for a person's "
                        + "approval (TASK_STATE_INPUT_REQUIRED); {\"roles\": [...]} picks the team, {\"budgetUsd\": "
                        + "\"2.50\"} caps the spending.",
                List.of("software", "planning", "design", "implementation", "code review", "testing"),
                List.of("Build a todo REST API with a web front end",
                        "Add rate limiting to the payments service and test it"));
        skill(skills, "code-review", "Review code", "Reviews code that is described or pasted in the message, with "
                        + "a reviewer and a tester (metadata {\"cohort\": {\"template\": \"code-review\"}}).",
                List.of("code review", "testing"), List.of("Review this function for concurrency bugs: ..."));
        skill(skills, "design-review", "Review a design", "Reviews a design or architecture described in the "
                        + "message (metadata {\"cohort\": {\"template\": \"design-review\"}}).",
                List.of("design", "architecture", "review"),
                List.of("Review this design of an event-sourced order service: ..."));
        return card;
    }

    private static void skill(ArrayNode skills, String id, String name, String description, List<String> tags,
                              List<String> examples) {
        ObjectNode skill = skills.addObject();
        skill.put("id", id);
        skill.put("name", name);
        skill.put("description", description);
        strings(skill.putArray("tags"), tags);
        strings(skill.putArray("examples"), examples);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The origin the client used, so the card names an address it can reach. */
    private static String origin(HttpServerRequest request) {
        String host = request.authority() == null ? "localhost" : request.authority().toString();
        return request.scheme() + "://" + host;
    }

    private static String hash(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
