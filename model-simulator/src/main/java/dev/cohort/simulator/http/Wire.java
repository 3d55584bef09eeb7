package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.simulator.script.ToolCall;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Consumer;

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

    /** Whether the protocol carries a tool call's arguments as JSON text (OpenAI) rather than as an object (Ollama). */
    boolean argumentsAsText();

    /**
     * The chunks a streamed tool-call turn is sent in, in order; each writes itself to the response when run. With
     * {@code split}, the arguments arrive one or two characters per chunk where the protocol streams them.
     */
    List<Consumer<HttpServerResponse>> toolChunks(Stats stats, List<ToolCall> calls, boolean split);

    /** Answers a tool-call turn without streaming. */
    void wholeTools(HttpServerResponse response, Stats stats, List<ToolCall> calls);

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
        /** The answer is a turn of tool calls rather than text. */
        boolean toolCalls;
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
