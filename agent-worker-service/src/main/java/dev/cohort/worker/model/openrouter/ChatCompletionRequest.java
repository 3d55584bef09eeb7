package dev.cohort.worker.model.openrouter;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The body of {@code POST /chat/completions}; absent fields are left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(String model,
                                    List<String> models,
                                    List<Message> messages,
                                    Double temperature,
                                    @JsonProperty("max_tokens") Integer maxTokens,
                                    boolean stream,
                                    @JsonProperty("stream_options") StreamOptions streamOptions,
                                    @JsonProperty("response_format") ResponseFormat responseFormat,
                                    List<Tool> tools,
                                    @JsonProperty("tool_choice") String toolChoice) {

    /**
     * A message. An assistant's that called tools has them in {@code tool_calls} and no content; a tool result names
     * the call it answers.
     */
    public record Message(String role,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String content,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") List<ToolCall> toolCalls,
                          @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_call_id") String toolCallId) {
    }

    public record ToolCall(String id, String type, Function function) {
    }

    /** A call's function; {@code arguments} is JSON as text, as the model wrote it. */
    public record Function(String name, String arguments) {
    }

    public record Tool(String type, ToolFunction function) {
    }

    public record ToolFunction(String name, String description, JsonNode parameters) {
    }

    /** Asks OpenAI-compatible servers for usage in the last chunk; OpenRouter always sends it. */
    public record StreamOptions(@JsonProperty("include_usage") boolean includeUsage) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {
    }

    public record JsonSchema(String name, boolean strict, JsonNode schema) {
    }
}
