package dev.cohort.worker.model.openrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.worker.model.Failures;
import dev.cohort.worker.model.ModelRequest;
import dev.cohort.worker.model.ProviderSettings;
import dev.cohort.worker.model.StreamChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import dev.cohort.worker.model.ChatMessage;

/** OpenRouter's (OpenAI-compatible) chat completion request and answer formats, as its documentation describes. */
public final class OpenRouterWireFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenRouterWireFormat() {
    }

    public static ChatCompletionRequest request(ModelRequest request) {
        ChatCompletionRequest.ResponseFormat format = request.jsonSchema() == null ? null
                : new ChatCompletionRequest.ResponseFormat("json_schema",
                        new ChatCompletionRequest.JsonSchema(request.schemaName(), true, request.jsonSchema()));
        List<String> models = request.fallbackModels().isEmpty() ? null : request.fallbackModels();
        List<ChatCompletionRequest.Tool> tools = request.offersTools() ? request.tools().stream()
                .map(t -> new ChatCompletionRequest.Tool("function",
                        new ChatCompletionRequest.ToolFunction(t.name(), t.description(), t.parameters())))
                .toList() : null;
        return new ChatCompletionRequest(request.model().model(), models,
                request.messages().stream().map(OpenRouterWireFormat::message).toList(),
                request.temperature(), request.maxTokens(), request.stream(),
                request.stream() ? new ChatCompletionRequest.StreamOptions(true) : null, format, tools,
                tools == null ? null : "auto");
    }

    private static ChatCompletionRequest.Message message(ChatMessage m) {
        List<ChatCompletionRequest.ToolCall> calls = m.toolCalls().stream()
                .map(c -> new ChatCompletionRequest.ToolCall(c.id(), "function",
                        new ChatCompletionRequest.Function(c.name(), c.rawArguments())))
                .toList();
        String content = !calls.isEmpty() && m.content().isEmpty() ? null : m.content();
        return new ChatCompletionRequest.Message(m.role(), content, calls,
                "tool".equals(m.role()) ? m.toolCallId() : null);
    }

    /**
     * Reads one SSE event's data ({@code [DONE]} ends the stream) or a whole unstreamed answer. An {@code error}
     * object, which OpenRouter sends when a model fails after the answer started, fails the call.
     */
    public static StreamChunk chunk(String data, ModelRequest request, ProviderSettings settings) {
        if (data == null || data.isBlank()) {
            return null;
        }
        String trimmed = data.strip();
        if (trimmed.equals("[DONE]")) {
            return StreamChunk.END;
        }
        JsonNode node;
        try {
            node = JSON.readTree(trimmed);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON", e);
        }
        if (node.hasNonNull("error")) {
            JsonNode error = node.get("error");
            int code = error.path("code").isInt() ? error.path("code").asInt() : 502;
            throw Failures.fromStatus(code, node.toString(), null, request.model(), settings, null);
        }
        JsonNode choice = node.path("choices").path(0);
        JsonNode body = choice.has("delta") ? choice.path("delta") : choice.path("message");
        String content = body.path("content").asText("");
        List<StreamChunk.ToolCallPiece> calls = new ArrayList<>();
        for (JsonNode call : body.path("tool_calls")) {
            int index = call.path("index").isInt() ? call.get("index").asInt() : calls.size();
            JsonNode function = call.path("function");
            calls.add(new StreamChunk.ToolCallPiece(index, call.path("id").asText(null),
                    function.path("name").asText(null),
                    function.path("arguments").isTextual() ? function.get("arguments").asText() : null,
                    function.path("arguments").isObject() ? function.get("arguments") : null));
        }
        String finish = choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null;
        if ("error".equals(finish)) {
            throw Failures.fromStatus(502, node.toString(), null, request.model(), settings, null);
        }
        JsonNode usage = node.path("usage");
        boolean hasUsage = usage.isObject();
        BigDecimal cost = hasUsage && usage.path("cost").isNumber() ? usage.get("cost").decimalValue() : null;
        boolean whole = !request.stream();
        return new StreamChunk(content, finish, whole,
                hasUsage && usage.has("prompt_tokens") ? usage.get("prompt_tokens").asLong() : null,
                hasUsage && usage.has("completion_tokens") ? usage.get("completion_tokens").asLong() : null,
                cost, node.path("model").asText(null), calls);
    }
}
