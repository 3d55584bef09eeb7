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

/** Ollama's chat request and answer formats, as its API documentation describes them. */
public final class OllamaWireFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OllamaWireFormat() {
    }

    public static OllamaChatRequest request(ModelRequest request, ProviderSettings settings) {
        OllamaChatRequest.Options options = request.temperature() == null && request.maxTokens() == null
                && request.contextTokens() == null ? null
                : new OllamaChatRequest.Options(request.temperature(), request.maxTokens(), request.contextTokens());
        return new OllamaChatRequest(request.model().model(),
                request.messages().stream().map(m -> new OllamaChatRequest.Message(m.role(), m.content())).toList(),
                request.stream(), request.jsonSchema(), options, settings.keepAlive());
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
        return new StreamChunk(content,
                done ? node.path("done_reason").asText("stop") : null,
                done,
                done && node.has("prompt_eval_count") ? node.get("prompt_eval_count").asLong() : null,
                done && node.has("eval_count") ? node.get("eval_count").asLong() : null,
                null,
                node.path("model").asText(null));
    }
}
