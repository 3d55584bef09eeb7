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
                                    @JsonProperty("response_format") ResponseFormat responseFormat) {

    public record Message(String role, String content) {
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
