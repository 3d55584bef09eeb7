package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.service.Simulator;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;

/**
 * Every HTTP route of the simulator: Ollama's {@code /api/chat}, {@code /api/tags} and {@code /api/version}; the
 * OpenAI-compatible {@code /v1/chat/completions} and {@code /v1/models} (also under {@code /api/v1}, OpenRouter's
 * prefix); and the control API under {@code /sim}.
 */
public final class SimulatorRoutes {

    /** Reported by {@code /api/version}; says what answers, since Ollama clients show it. */
    public static final String VERSION = "0.1.0-cohort-simulator";

    private SimulatorRoutes() {
    }

    public static void install(Router router, Simulator simulator) {
        ChatHandler ollama = new ChatHandler(simulator, new OllamaWire());
        ChatHandler openai = new ChatHandler(simulator, new OpenAiWire());
        router.post("/api/chat").handler(BodyHandler.create(false)).handler(ollama);
        router.get("/api/tags").handler(ctx -> tags(ctx, simulator));
        router.get("/api/version").handler(ctx -> json(ctx, Json.MAPPER.createObjectNode().put("version", VERSION)));
        for (String prefix : new String[] {"/v1", "/api/v1"}) {
            router.post(prefix + "/chat/completions").handler(BodyHandler.create(false)).handler(openai);
            router.get(prefix + "/models").handler(ctx -> models(ctx, simulator));
        }
        new ControlHandler(simulator).install(router);
    }

    private static void tags(RoutingContext ctx, Simulator simulator) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode models = body.putArray("models");
        String now = Instant.now().toString();
        for (String name : simulator.models().keySet()) {
            ObjectNode model = models.addObject();
            model.put("name", name).put("model", name).put("modified_at", now).put("size", 0)
                    .put("digest", Integer.toHexString(name.hashCode()));
            model.putObject("details").put("format", "simulated").put("family", "cohort-simulator")
                    .put("parameter_size", "0").put("quantization_level", "none");
        }
        json(ctx, body);
    }

    private static void models(RoutingContext ctx, Simulator simulator) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String name : simulator.models().keySet()) {
            data.addObject().put("id", name).put("object", "model").put("created", 0)
                    .put("owned_by", "cohort-simulator");
        }
        json(ctx, body);
    }

    private static void json(RoutingContext ctx, Object body) {
        ctx.response().putHeader("Content-Type", "application/json").end(Json.write(body));
    }
}
