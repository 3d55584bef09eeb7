package dev.cohort.worker.model.ollama;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The body of {@code POST /api/chat}; absent fields are left out so Ollama applies its defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OllamaChatRequest(String model,
                                List<Message> messages,
                                boolean stream,
                                JsonNode format,
                                Options options,
                                @JsonProperty("keep_alive") String keepAlive,
                                List<Tool> tools) {

    /** A message; an assistant's carries the tools it called, a tool result the name of its tool. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Message(String role, @JsonInclude(JsonInclude.Include.ALWAYS) String content,
                          @JsonProperty("tool_calls") List<ToolCall> toolCalls,
                          @JsonProperty("tool_name") String toolName) {
    }

    public record ToolCall(Function function) {
    }

    public record Function(String name, JsonNode arguments) {
    }

    public record Tool(String type, ToolFunction function) {
    }

    public record ToolFunction(String name, String description, JsonNode parameters) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Options(Double temperature,
                          @JsonProperty("num_predict") Integer numPredict,
                          @JsonProperty("num_ctx") Integer numCtx) {
    }
}
