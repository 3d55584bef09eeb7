package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A model's call of a tool.
 *
 * @param id           the provider's id of the call (OpenAI's {@code tool_calls[].id}; made up for Ollama, which has
 *                     none), which the tool's result must name
 * @param name         the tool
 * @param arguments    the arguments as a JSON object, or null when {@code rawArguments} is not one
 * @param rawArguments the arguments as the model wrote them
 */
public record ToolCall(String id, String name, JsonNode arguments, String rawArguments) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A call whose arguments arrived as text (OpenAI's JSON string, maybe cut or malformed). */
    public static ToolCall ofText(String id, String name, String rawArguments) {
        String raw = rawArguments == null ? "" : rawArguments;
        JsonNode parsed;
        try {
            parsed = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
        } catch (IOException e) {
            parsed = null;
        }
        return new ToolCall(id, name, parsed != null && parsed.isObject() ? parsed : null, raw);
    }

    /** A call whose arguments arrived as a JSON value (Ollama's object). */
    public static ToolCall ofJson(String id, String name, JsonNode arguments) {
        JsonNode args = arguments == null || arguments.isNull() ? JSON.createObjectNode() : arguments;
        return new ToolCall(id, name, args.isObject() ? args : null, args.toString());
    }

    /** Why the arguments cannot be used as an object, or null when they can. */
    public String argumentsProblem() {
        if (arguments != null) {
            return null;
        }
        return "the arguments are not a JSON object: "
                + (rawArguments.length() > 200 ? rawArguments.substring(0, 200) + "…" : rawArguments);
    }
}
