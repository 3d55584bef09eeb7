package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.script.ToolCall;
import dev.cohort.simulator.script.Tokens;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The OpenAI-compatible chat completions API as OpenRouter serves it: SSE streaming with keep-alive comments,
 * {@code data: [DONE]} at the end, usage (and cost, when the model has a price) in the last chunk. A streamed tool
 * call opens with its index, id, type and name, then its arguments (JSON text) arrive in pieces; the finish reason is
 * {@code tool_calls}.
 */
final class OpenAiWire implements Wire {

    /** The longest piece of a tool call's arguments in one streamed chunk. */
    static final int MAX_PIECE = 10;

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
        choice.put("finish_reason", finishReason(stats));
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
    public boolean argumentsAsText() {
        return true;
    }

    @Override
    public List<Consumer<HttpServerResponse>> toolChunks(Stats stats, List<ToolCall> calls, boolean split) {
        List<Consumer<HttpServerResponse>> chunks = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            int index = i;
            ToolCall call = calls.get(i);
            chunks.add(response -> {
                ObjectNode delta = Json.MAPPER.createObjectNode();
                if (index == 0) {
                    delta.put("role", "assistant");
                }
                ObjectNode toolCall = delta.putArray("tool_calls").addObject();
                toolCall.put("index", index).put("id", call.id()).put("type", "function");
                toolCall.putObject("function").put("name", call.name()).put("arguments", "");
                response.write(delta(stats, delta));
            });
            for (String piece : pieces(call.arguments(), split)) {
                chunks.add(response -> {
                    ObjectNode delta = Json.MAPPER.createObjectNode();
                    delta.putArray("tool_calls").addObject().put("index", index)
                            .putObject("function").put("arguments", piece);
                    response.write(delta(stats, delta));
                });
            }
        }
        return chunks;
    }

    /**
     * Arguments text cut as a model streams it: a word at a time, at most {@value #MAX_PIECE} characters; with
     * {@code split}, one or two characters at a time.
     */
    static List<String> pieces(String arguments, boolean split) {
        List<String> pieces = new ArrayList<>();
        List<String> words = split ? List.of(arguments) : Tokens.split(arguments);
        int turn = 0;
        for (String word : words) {
            int at = 0;
            while (at < word.length()) {
                int size = split ? 1 + turn++ % 2 : MAX_PIECE;
                int end = Math.min(word.length(), at + size);
                if (end < word.length() && Character.isHighSurrogate(word.charAt(end - 1))) {
                    end++;
                }
                pieces.add(word.substring(at, end));
                at = end;
            }
        }
        return pieces;
    }

    @Override
    public void wholeTools(HttpServerResponse response, Stats stats, List<ToolCall> calls) {
        ObjectNode body = head(stats, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        message.putNull("content");
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (ToolCall call : calls) {
            ObjectNode toolCall = toolCalls.addObject().put("id", call.id()).put("type", "function");
            toolCall.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        }
        choice.put("finish_reason", finishReason(stats));
        usage(body, stats);
        response.setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static String delta(Stats stats, ObjectNode delta) {
        ObjectNode chunk = head(stats, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("finish_reason");
        return "data: " + Json.write(chunk) + "\n\n";
    }

    private static String finishReason(Stats stats) {
        return stats.toolCalls ? "tool_calls" : stats.doneReason;
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
