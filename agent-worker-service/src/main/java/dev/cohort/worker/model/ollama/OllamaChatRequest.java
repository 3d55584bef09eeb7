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
                                @JsonProperty("keep_alive") String keepAlive) {

    public record Message(String role, String content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Options(Double temperature,
                          @JsonProperty("num_predict") Integer numPredict,
                          @JsonProperty("num_ctx") Integer numCtx) {
    }
}
