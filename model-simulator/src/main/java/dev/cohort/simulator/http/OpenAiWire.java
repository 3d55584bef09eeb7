package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;

/**
 * The OpenAI-compatible chat completions API as OpenRouter serves it: SSE streaming with keep-alive comments,
 * {@code data: [DONE]} at the end, usage (and cost, when the model has a price) in the last chunk.
 */
final class OpenAiWire implements Wire {

    @Override
    public String protocol() {
        return "openai";
    }

    @Override
    public boolean stream(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public boolean jsonRequested(JsonNode body) {
        String type = body.path("response_format").path("type").asText("");
        return type.equals("json_object") || type.equals("json_schema");
    }

    @Override
    public Integer maxTokens(JsonNode body) {
        JsonNode max = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        return max != null && max.isNumber() && max.asInt() > 0 ? max.asInt() : null;
    }

    @Override
    public boolean checksApiKey() {
        return true;
    }

    @Override
    public boolean beginsEarly() {
        return true;
    }

    @Override
    public void begin(HttpServerResponse response, Stats stats) {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        // OpenRouter sends comments like this while the model works, so clients must skip them.
        response.write(": SIMULATOR PROCESSING\n\n");
    }

    @Override
    public void chunk(HttpServerResponse response, Stats stats, String text, boolean first) {
        ObjectNode chunk = head(stats, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", text);
        choice.putNull("finish_reason");
        response.write("data: " + Json.write(chunk) + "\n\n");
    }

    @Override
    public void finish(HttpServerResponse response, Stats stats) {
        ObjectNode last = head(stats, "chat.completion.chunk");
        ObjectNode choice = last.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", stats.doneReason);
        response.write("data: " + Json.write(last) + "\n\n");
        ObjectNode usage = head(stats, "chat.completion.chunk");
        usage.putArray("choices");
        usage(usage, stats);
        response.write("data: " + Json.write(usage) + "\n\n");
        response.end("data: [DONE]\n\n");
    }

    @Override
    public void whole(HttpServerResponse response, Stats stats, String text) {
        ObjectNode body = head(stats, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", stats.doneReason);
        usage(body, stats);
        response.setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    @Override
    public void error(HttpServerResponse response, int status, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("error").put("code", status).put("message", message);
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static ObjectNode head(Stats stats, String object) {
        return Json.MAPPER.createObjectNode()
                .put("id", stats.id)
                .put("object", object)
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", stats.model);
    }

    private static void usage(ObjectNode node, Stats stats) {
        ObjectNode usage = node.putObject("usage");
        usage.put("prompt_tokens", stats.promptTokens);
        usage.put("completion_tokens", stats.completionTokens);
        usage.put("total_tokens", stats.promptTokens + stats.completionTokens);
        BigDecimal cost = stats.cost();
        if (cost != null) {
            usage.put("cost", cost);
        }
    }
}
