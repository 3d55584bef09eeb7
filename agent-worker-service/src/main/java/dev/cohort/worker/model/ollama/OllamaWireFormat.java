package dev.cohort.worker.model.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.worker.model.ModelCallException;
import dev.cohort.worker.model.ModelRequest;
import dev.cohort.worker.model.ProviderSettings;
import dev.cohort.worker.model.StreamChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import dev.cohort.worker.model.ChatMessage;

/** Ollama's chat request and answer formats, as its API documentation describes them. */
public final class OllamaWireFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OllamaWireFormat() {
    }

    public static OllamaChatRequest request(ModelRequest request, ProviderSettings settings) {
        OllamaChatRequest.Options options = request.temperature() == null && request.maxTokens() == null
                && request.contextTokens() == null ? null
                : new OllamaChatRequest.Options(request.temperature(), request.maxTokens(), request.contextTokens());
        List<OllamaChatRequest.Tool> tools = request.offersTools() ? request.tools().stream()
                .map(t -> new OllamaChatRequest.Tool("function",
                        new OllamaChatRequest.ToolFunction(t.name(), t.description(), t.parameters())))
                .toList() : null;
        return new OllamaChatRequest(request.model().model(),
                request.messages().stream().map(OllamaWireFormat::message).toList(),
                request.stream(), request.jsonSchema(), options, settings.keepAlive(), tools);
    }

    private static OllamaChatRequest.Message message(ChatMessage m) {
        List<OllamaChatRequest.ToolCall> calls = m.toolCalls().stream()
                .map(c -> new OllamaChatRequest.ToolCall(new OllamaChatRequest.Function(c.name(),
                        c.arguments() != null ? c.arguments() : JSON.createObjectNode())))
                .toList();
        return new OllamaChatRequest.Message(m.role(), m.content(), calls,
                "tool".equals(m.role()) ? m.toolName() : null);
    }

    /**
     * Reads one NDJSON line of a streamed answer, or the whole answer of an unstreamed one. An {@code error}
     * field (Ollama reports failures during generation that way) fails the call.
     */
    public static StreamChunk chunk(String line, ModelRequest request) {
        if (line == null || line.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON", e);
        }
        if (node.hasNonNull("error")) {
            throw ModelCallException.of(FailureKind.SERVER_ERROR, true, request.model(),
                    "Ollama reported an error while generating: " + node.get("error").asText());
        }
        boolean done = node.path("done").asBoolean(false);
        String content = node.path("message").path("content").asText("");
        List<StreamChunk.ToolCallPiece> calls = new ArrayList<>();
        for (JsonNode call : node.path("message").path("tool_calls")) {
            JsonNode function = call.path("function");
            // Ollama sends each call whole; its index (when given) or its place in this chunk orders it.
            int index = function.path("index").isInt() ? function.get("index").asInt() : calls.size();
            calls.add(new StreamChunk.ToolCallPiece(index, call.path("id").asText(null),
                    function.path("name").asText(""), null, function.path("arguments")));
        }
        return new StreamChunk(content,
                done ? node.path("done_reason").asText("stop") : null,
                done,
                done && node.has("prompt_eval_count") ? node.get("prompt_eval_count").asLong() : null,
                done && node.has("eval_count") ? node.get("eval_count").asLong() : null,
                null,
                node.path("model").asText(null),
                calls);
    }
}
