package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;

/** How one protocol (Ollama or OpenAI) reads a chat request and frames the answer. */
interface Wire {

    /** {@code ollama} or {@code openai}, as in the call log. */
    String protocol();

    boolean stream(JsonNode body);

    boolean jsonRequested(JsonNode body);

    /** The request's output token limit, or null. */
    Integer maxTokens(JsonNode body);

    /** Whether the OpenAI-compatible API key check applies. */
    boolean checksApiKey();

    /** Starts a streamed response; called at admission or just before the first chunk, as the protocol does. */
    void begin(HttpServerResponse response, Stats stats);

    /** Whether {@link #begin} runs when the call is admitted (the OpenAI wire sends a keep-alive comment at once). */
    boolean beginsEarly();

    void chunk(HttpServerResponse response, Stats stats, String text, boolean first);

    void finish(HttpServerResponse response, Stats stats);

    void whole(HttpServerResponse response, Stats stats, String text);

    void error(HttpServerResponse response, int status, String message);

    /** What a streamed or whole answer reports about itself. */
    final class Stats {
        final String id;
        final String model;
        final long promptTokens;
        final long startedNanos = System.nanoTime();
        long firstTokenNanos;
        long completionTokens;
        String doneReason = "stop";
        BigDecimal inputCostPerMillion;
        BigDecimal outputCostPerMillion;

        Stats(String id, String model, long promptTokens) {
            this.id = id;
            this.model = model;
            this.promptTokens = promptTokens;
        }

        /** The cost to report, or null when the model has no price. */
        BigDecimal cost() {
            if (inputCostPerMillion == null || outputCostPerMillion == null) {
                return null;
            }
            return inputCostPerMillion.multiply(BigDecimal.valueOf(promptTokens))
                    .add(outputCostPerMillion.multiply(BigDecimal.valueOf(completionTokens)))
                    .movePointLeft(6).stripTrailingZeros();
        }
    }
}
