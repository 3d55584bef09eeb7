package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.model.ModelRef;
import java.util.List;
import java.util.Objects;

/**
 * One chat call.
 *
 * @param model          the model to ask
 * @param messages       the conversation, system message first
 * @param temperature    sampling temperature, or null for the model's default
 * @param maxTokens      output token limit, or null for none
 * @param contextTokens  context window to ask Ollama for ({@code num_ctx}), or null for its default
 * @param jsonSchema     when set, the answer must be JSON, and providers are asked for structured output with it
 * @param schemaName     a name for the schema (OpenAI's {@code json_schema.name})
 * @param stream         stream tokens (progress, first-token and stall detection) or wait for the whole answer
 * @param fallbackModels OpenRouter models to try when {@code model} is unavailable (its {@code models} list)
 * @param cancellation   stops the call
 * @param tools          the tools the model may call; empty for none
 */
public record ModelRequest(ModelRef model,
                           List<ChatMessage> messages,
                           Double temperature,
                           Integer maxTokens,
                           Integer contextTokens,
                           JsonNode jsonSchema,
                           String schemaName,
                           boolean stream,
                           List<String> fallbackModels,
                           Cancellation cancellation,
                           List<ToolSpec> tools) {

    public ModelRequest {
        Objects.requireNonNull(model, "model");
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("a model request needs at least one message");
        }
        messages = List.copyOf(messages);
        fallbackModels = fallbackModels == null ? List.of() : List.copyOf(fallbackModels);
        cancellation = cancellation == null ? Cancellation.none() : cancellation;
        schemaName = schemaName == null ? "answer" : schemaName;
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public ModelRequest(ModelRef model, List<ChatMessage> messages, Double temperature, Integer maxTokens,
                        Integer contextTokens, JsonNode jsonSchema, String schemaName, boolean stream,
                        List<String> fallbackModels, Cancellation cancellation) {
        this(model, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName, stream, fallbackModels,
                cancellation, List.of());
    }

    public boolean offersTools() {
        return !tools.isEmpty();
    }

    public ModelRequest withTools(List<ToolSpec> newTools) {
        return new ModelRequest(model, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName, stream,
                fallbackModels, cancellation, newTools);
    }

    /** A streaming request with the model's default settings. */
    public static ModelRequest of(ModelRef model, List<ChatMessage> messages) {
        return new ModelRequest(model, messages, null, null, null, null, null, true, List.of(), null);
    }

    public boolean wantsJson() {
        return jsonSchema != null;
    }

    public ModelRequest withModel(ModelRef other) {
        return new ModelRequest(other, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName, stream,
                fallbackModels, cancellation, tools);
    }

    public ModelRequest withSampling(Double newTemperature, Integer newMaxTokens) {
        return new ModelRequest(model, messages, newTemperature, newMaxTokens, contextTokens, jsonSchema, schemaName,
                stream, fallbackModels, cancellation, tools);
    }

    public ModelRequest withJsonSchema(String name, JsonNode schema) {
        return new ModelRequest(model, messages, temperature, maxTokens, contextTokens, schema, name, stream,
                fallbackModels, cancellation, tools);
    }

    public ModelRequest withStream(boolean newStream) {
        return new ModelRequest(model, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName,
                newStream, fallbackModels, cancellation, tools);
    }

    public ModelRequest withFallbackModels(List<String> models) {
        return new ModelRequest(model, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName, stream,
                models, cancellation, tools);
    }

    public ModelRequest withContextTokens(Integer tokens) {
        return new ModelRequest(model, messages, temperature, maxTokens, tokens, jsonSchema, schemaName, stream,
                fallbackModels, cancellation, tools);
    }

    public ModelRequest withMessages(List<ChatMessage> newMessages) {
        return new ModelRequest(model, newMessages, temperature, maxTokens, contextTokens, jsonSchema, schemaName,
                stream, fallbackModels, cancellation, tools);
    }

    public ModelRequest withCancellation(Cancellation newCancellation) {
        return new ModelRequest(model, messages, temperature, maxTokens, contextTokens, jsonSchema, schemaName, stream,
                fallbackModels, newCancellation, tools);
    }
}
