package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.script.ToolCall;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Ollama's native chat API: {@code POST /api/chat}, NDJSON streaming, statistics on the final line. Tool calls come
 * whole, with their arguments as an object, in one {@code done: false} line before the final one.
 */
final class OllamaWire implements Wire {

    @Override
    public String protocol() {
        return "ollama";
    }

    @Override
    public boolean stream(JsonNode body) {
        return !body.has("stream") || body.get("stream").asBoolean(true);
    }

    @Override
    public boolean jsonRequested(JsonNode body) {
        JsonNode format = body.get("format");
        return format != null && !format.isNull() && !(format.isTextual() && format.asText().isBlank());
    }

    @Override
    public Integer maxTokens(JsonNode body) {
        JsonNode predict = body.path("options").path("num_predict");
        return predict.isNumber() && predict.asInt() > 0 ? predict.asInt() : null;
    }

    @Override
    public boolean checksApiKey() {
        return false;
    }

    @Override
    public boolean beginsEarly() {
        return false;
    }

    @Override
    public void begin(HttpServerResponse response, Stats stats) {
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    }

    @Override
    public void chunk(HttpServerResponse response, Stats stats, String text, boolean first) {
        ObjectNode line = head(stats);
        line.putObject("message").put("role", "assistant").put("content", text);
        line.put("done", false);
        response.write(Json.write(line) + "\n");
    }

    @Override
    public void finish(HttpServerResponse response, Stats stats) {
        ObjectNode line = head(stats);
        line.putObject("message").put("role", "assistant").put("content", "");
        done(line, stats);
        response.end(Json.write(line) + "\n");
    }

    @Override
    public void whole(HttpServerResponse response, Stats stats, String text) {
        ObjectNode body = head(stats);
        body.putObject("message").put("role", "assistant").put("content", text);
        done(body, stats);
        response.setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    @Override
    public boolean argumentsAsText() {
        return false;
    }

    @Override
    public List<Consumer<HttpServerResponse>> toolChunks(Stats stats, List<ToolCall> calls, boolean split) {
        return List.of(response -> {
            ObjectNode line = head(stats);
            toolMessage(line, calls);
            line.put("done", false);
            response.write(Json.write(line) + "\n");
        });
    }

    @Override
    public void wholeTools(HttpServerResponse response, Stats stats, List<ToolCall> calls) {
        ObjectNode body = head(stats);
        toolMessage(body, calls);
        done(body, stats);
        response.setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static void toolMessage(ObjectNode node, List<ToolCall> calls) {
        ObjectNode message = node.putObject("message").put("role", "assistant").put("content", "");
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (ToolCall call : calls) {
            ObjectNode function = toolCalls.addObject().putObject("function").put("name", call.name());
            JsonNode arguments = object(call.arguments());
            if (arguments != null) {
                function.set("arguments", arguments);
            } else {
                function.put("arguments", call.arguments());
            }
        }
    }

    /** The arguments as a JSON object, or null when they are not one. */
    private static JsonNode object(String arguments) {
        try {
            JsonNode node = Json.MAPPER.readTree(arguments);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void error(HttpServerResponse response, int status, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("error", message);
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static ObjectNode head(Stats stats) {
        return Json.MAPPER.createObjectNode().put("model", stats.model).put("created_at", Instant.now().toString());
    }

    private static void done(ObjectNode line, Stats stats) {
        long now = System.nanoTime();
        long first = stats.firstTokenNanos == 0 ? now : stats.firstTokenNanos;
        line.put("done", true);
        line.put("done_reason", stats.doneReason);
        line.put("total_duration", now - stats.startedNanos);
        line.put("load_duration", 0);
        line.put("prompt_eval_count", stats.promptTokens);
        line.put("prompt_eval_duration", first - stats.startedNanos);
        line.put("eval_count", stats.completionTokens);
        line.put("eval_duration", now - first);
    }
}
