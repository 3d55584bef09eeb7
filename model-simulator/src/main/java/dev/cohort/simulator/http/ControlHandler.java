package dev.cohort.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.service.FaultBook;
import dev.cohort.simulator.service.FaultRule;
import dev.cohort.simulator.service.ModelSettings;
import dev.cohort.simulator.service.Simulator;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** The control API under {@code /sim}: fault rules, the call log, counters and per-model settings. */
final class ControlHandler {

    private final Simulator simulator;

    ControlHandler(Simulator simulator) {
        this.simulator = simulator;
    }

    void install(Router router) {
        router.post("/sim/faults").handler(BodyHandler.create(false)).handler(this::addFault);
        router.get("/sim/faults").handler(ctx -> ok(ctx, faults()));
        router.delete("/sim/faults").handler(ctx -> {
            simulator.faults().clear();
            ctx.response().setStatusCode(204).end();
        });
        router.get("/sim/calls").handler(ctx -> ok(ctx, simulator.calls().calls()));
        router.delete("/sim/calls").handler(ctx -> {
            simulator.calls().reset();
            ctx.response().setStatusCode(204).end();
        });
        router.get("/sim/counters").handler(ctx -> ok(ctx, simulator.calls().counters()));
        router.get("/sim/models").handler(ctx -> ok(ctx, simulator.models()));
        router.get("/sim/models/:model").handler(ctx -> ok(ctx, simulator.settings(ctx.pathParam("model"))));
        router.put("/sim/models/:model").handler(BodyHandler.create(false)).handler(this::updateModel);
        router.delete("/sim/models/:model").handler(ctx -> ok(ctx, simulator.reset(ctx.pathParam("model"))));
    }

    private void addFault(RoutingContext ctx) {
        try {
            FaultRule rule = Json.MAPPER.readValue(ctx.body().asString(), FaultRule.class);
            ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .end(Json.write(simulator.faults().add(rule)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            badRequest(ctx, e);
        }
    }

    private void updateModel(RoutingContext ctx) {
        try {
            ModelSettings update = Json.MAPPER.readValue(ctx.body().asString(), ModelSettings.class);
            ok(ctx, simulator.update(ctx.pathParam("model"), update));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            badRequest(ctx, e);
        }
    }

    private ArrayNode faults() {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (FaultBook.Entry entry : simulator.faults().list()) {
            ObjectNode node = Json.MAPPER.valueToTree(entry.rule());
            if (entry.remaining() != null) {
                node.put("remaining", entry.remaining());
            }
            list.add(node);
        }
        return list;
    }

    private static void ok(RoutingContext ctx, Object body) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static void badRequest(RoutingContext ctx, Exception e) {
        Throwable cause = e instanceof ValueInstantiationException && e.getCause() != null ? e.getCause() : e;
        String message = cause instanceof JsonProcessingException json ? json.getOriginalMessage() : cause.getMessage();
        ObjectNode body = Json.MAPPER.createObjectNode().put("error", message);
        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(Json.write(body));
    }
}
