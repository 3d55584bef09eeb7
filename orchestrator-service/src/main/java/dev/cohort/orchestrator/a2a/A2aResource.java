package dev.cohort.orchestrator.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.orchestrator.rest.ApiException;
import dev.cohort.orchestrator.rest.Callers;
import io.quarkus.logging.Log;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The A2A JSON-RPC 2.0 binding (specification version 1.0, section 9) at {@code /a2a}. Every call needs a bearer
 * token like the REST API (401 without a valid one, 403 when its roles do not allow the method: SendMessage,
 * SendStreamingMessage and CancelTask need operator, the reads viewer) and the header {@code A2A-Version: 1.0}. A
 * request that asks for {@code text/event-stream} is answered with Server-Sent Events, each event one JSON-RPC
 * response: the streaming methods' events, or the one answer of another method; other requests are answered with
 * one JSON-RPC response.
 */
@Path("/a2a")
@Tag(name = "A2A", description = "Cohort as an Agent2Agent (A2A 1.0) agent: JSON-RPC 2.0; the agent card is at "
        + "/.well-known/agent-card.json")
public class A2aResource {

    private final A2aService service;
    private final ObjectMapper mapper;
    private final SecurityIdentity caller;

    public A2aResource(A2aService service, ObjectMapper mapper, SecurityIdentity caller) {
        this.service = service;
        this.mapper = mapper;
        this.caller = caller;
    }

    /** One JSON-RPC request, checked: its id (a string, a number or null), method and params. */
    record Call(JsonNode id, String method, JsonNode params) {
    }

    /** A request as read: its call, or the JSON-RPC error that answers it. */
    private record Parsed(Call call, String error) {
    }

    /** Reads a request with its A2A version (the header, else the query parameter). */
    private Parsed parse(String body, String versionHeader, String versionParameter) {
        JsonNode[] id = {null};
        try {
            return new Parsed(accept(body, versionHeader != null ? versionHeader : versionParameter, id), null);
        } catch (A2aError e) {
            return new Parsed(null, error(id[0], e));
        }
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A2A JSON-RPC call", description = "SendMessage, GetTask, ListTasks, CancelTask; the "
            + "streaming methods need Accept: text/event-stream")
    public Uni<String> call(String body, @HeaderParam(A2aProtocol.VERSION_HEADER) String versionHeader,
                            @QueryParam(A2aProtocol.VERSION_HEADER) String versionParameter) {
        Parsed parsed = parse(body, versionHeader, versionParameter);
        if (parsed.error() != null) {
            return Uni.createFrom().item(parsed.error());
        }
        Call call = parsed.call();
        if (streaming(call.method())) {
            return Uni.createFrom().item(error(call.id(), A2aError.invalidRequest(call.method() + " answers with "
                    + "Server-Sent Events: send it with Accept: text/event-stream")));
        }
        return invoke(call, Vertx.currentContext())
                .map(result -> result(call.id(), result))
                .onFailure(A2aResource::answeredAsJsonRpc).recoverWithItem(failure -> failure(call.id(), failure));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "A2A JSON-RPC call answered with Server-Sent Events", description = "SendStreamingMessage "
            + "and SubscribeToTask stream the task until it ends; any other method is answered in one event")
    public Multi<String> stream(String body, @HeaderParam(A2aProtocol.VERSION_HEADER) String versionHeader,
                                @QueryParam(A2aProtocol.VERSION_HEADER) String versionParameter) {
        Parsed parsed = parse(body, versionHeader, versionParameter);
        if (parsed.error() != null) {
            return Multi.createFrom().item(parsed.error());
        }
        Call call = parsed.call();
        Context context = Vertx.currentContext();
        Multi<ObjectNode> results = switch (call.method()) {
            case A2aProtocol.SEND_STREAMING_MESSAGE -> deferred(() -> service.sendStreaming(call.params(), name(),
                    context));
            case A2aProtocol.SUBSCRIBE_TO_TASK -> deferred(() -> service.subscribe(call.params(), name(), context));
            default -> invoke(call, context).toMulti();
        };
        return results.map(result -> result(call.id(), result))
                .onFailure().recoverWithItem(failure -> failure(call.id(), failure));
    }

    /**
     * Parses and checks the request: JSON, the JSON-RPC envelope, the protocol version, a known method, and the
     * caller's role for it (403 otherwise, like the REST API). {@code id} receives the request's id once it is known.
     */
    private Call accept(String body, String version, JsonNode[] id) {
        JsonNode request;
        try {
            request = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw A2aError.parseError(e.getOriginalMessage());
        }
        if (request == null) {
            throw A2aError.parseError("the request body is empty");
        }
        if (request.isArray()) {
            throw A2aError.invalidRequest("batches are not supported: send one request at a time");
        }
        if (!request.isObject()) {
            throw A2aError.invalidRequest("the request must be a JSON-RPC 2.0 request object");
        }
        JsonNode requestId = request.get("id");
        if (requestId != null && (requestId.isTextual() || requestId.isNumber() || requestId.isNull())) {
            id[0] = requestId;
        }
        if (!"2.0".equals(request.path("jsonrpc").asText(null)) || !request.path("jsonrpc").isTextual()) {
            throw A2aError.invalidRequest("'jsonrpc' must be \"2.0\"");
        }
        if (requestId == null) {
            throw A2aError.invalidRequest("'id' is required (a string or a number): A2A methods answer, so they "
                    + "are not sent as notifications");
        }
        if (!(requestId.isTextual() || requestId.isNumber() || requestId.isNull())) {
            throw A2aError.invalidRequest("'id' must be a string, a number or null");
        }
        JsonNode method = request.get("method");
        if (method == null || !method.isTextual() || method.asText().isEmpty()) {
            throw A2aError.invalidRequest("'method' must be a method name such as SendMessage");
        }
        JsonNode params = request.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw A2aError.invalidRequest("'params' must be an object");
        }
        A2aProtocol.checkVersion(version);
        String role = A2aProtocol.METHOD_ROLES.get(method.asText());
        if (role == null) {
            throw A2aError.methodNotFound(method.asText().length() > 100 ? method.asText().substring(0, 100) + "…"
                    : method.asText());
        }
        if (!caller.hasRole(role)) {
            throw new ForbiddenException();
        }
        return new Call(requestId, method.asText(), params);
    }

    /** A method answered with one result. */
    private Uni<ObjectNode> invoke(Call call, Context context) {
        return Uni.createFrom().<ObjectNode>deferred(() -> switch (call.method()) {
            case A2aProtocol.SEND_MESSAGE -> service.send(call.params(), name(), context);
            case A2aProtocol.GET_TASK -> service.get(call.params());
            case A2aProtocol.LIST_TASKS -> service.list(call.params());
            case A2aProtocol.CANCEL_TASK -> service.cancel(call.params(), name());
            case A2aProtocol.CREATE_PUSH_CONFIG, A2aProtocol.GET_PUSH_CONFIG, A2aProtocol.LIST_PUSH_CONFIGS,
                 A2aProtocol.DELETE_PUSH_CONFIG -> Uni.createFrom().<ObjectNode>failure(
                    A2aError.pushNotificationNotSupported());
            case A2aProtocol.GET_EXTENDED_AGENT_CARD -> Uni.createFrom().<ObjectNode>failure(
                    A2aError.unsupportedOperation("there is no extended agent card "
                            + "(capabilities.extendedAgentCard is false)"));
            default -> Uni.createFrom().<ObjectNode>failure(A2aError.methodNotFound(call.method()));
        });
    }

    private static Multi<ObjectNode> deferred(Supplier<Multi<ObjectNode>> stream) {
        try {
            return stream.get();
        } catch (A2aError e) {
            return Multi.createFrom().failure(e);
        }
    }

    private static boolean streaming(String method) {
        return A2aProtocol.SEND_STREAMING_MESSAGE.equals(method) || A2aProtocol.SUBSCRIBE_TO_TASK.equals(method);
    }

    /**
     * Failures answered in JSON-RPC; the others keep the REST API's HTTP answers: 403 for a role that does not
     * allow the method, 429 for a caller over its limits, 413 for a body over the limit.
     */
    private static boolean answeredAsJsonRpc(Throwable failure) {
        return !(failure instanceof ForbiddenException)
                && !(failure instanceof ApiException api && (api.status() == 429 || api.status() == 413));
    }

    private String name() {
        return Callers.name(caller);
    }

    private String result(JsonNode id, ObjectNode result) {
        ObjectNode response = mapper.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response.toString();
    }

    private String failure(JsonNode id, Throwable failure) {
        if (failure instanceof A2aError e) {
            return error(id, e);
        }
        if (failure instanceof ApiException e && e.status() == 404) {
            return error(id, new A2aError(A2aError.TASK_NOT_FOUND, e.getMessage(), null));
        }
        if (failure instanceof ApiException e && e.status() < 500) {
            return error(id, new A2aError(e.status() == 429 ? A2aError.INTERNAL_ERROR : A2aError.INVALID_PARAMS,
                    e.getMessage(), null));
        }
        Log.error("Unexpected error in an A2A call", failure);
        return error(id, A2aError.internal());
    }

    private String error(JsonNode id, A2aError e) {
        ObjectNode response = mapper.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? mapper.nullNode() : id);
        ObjectNode error = response.putObject("error");
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (e.details() != null) {
            error.set("data", mapper.valueToTree(e.details()));
        }
        return response.toString();
    }
}
