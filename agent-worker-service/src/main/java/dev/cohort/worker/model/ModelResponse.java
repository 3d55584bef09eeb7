package dev.cohort.worker.model;

import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Usage;
import java.time.Duration;
import java.util.List;

/**
 * A model's complete answer.
 *
 * @param text       the full text
 * @param usage      tokens and cost of this answer (cost from the provider, else the price table)
 * @param answeredBy the model that actually answered (OpenRouter may route to a fallback)
 * @param doneReason why generation stopped: {@code stop}, {@code length}, ...
 * @param timings    time to first token and in total
 * @param attempts   calls made, retries included
 * @param toolCalls  the tools the model called, in order; empty when it answered with text only
 */
public record ModelResponse(String text, Usage usage, ModelRef answeredBy, String doneReason, Timings timings,
                            int attempts, List<ToolCall> toolCalls) {

    public ModelResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ModelResponse(String text, Usage usage, ModelRef answeredBy, String doneReason, Timings timings,
                         int attempts) {
        this(text, usage, answeredBy, doneReason, timings, attempts, List.of());
    }

    public boolean calledTools() {
        return !toolCalls.isEmpty();
    }

    /** Durations of the successful attempt; {@code firstToken} is null when nothing was streamed. */
    public record Timings(Duration firstToken, Duration total) {
    }

    /** True when the model stopped at the token limit, so the answer is probably cut short. */
    public boolean truncatedByLimit() {
        return "length".equals(doneReason);
    }

    /**
     * The JSON of a structured answer as strict JSON: without the fence or sentences some models put around it, and
     * without comments or trailing commas ({@link JsonAnswer}); parse this for structured output.
     */
    public String jsonText() {
        JsonAnswer.Read json = JsonAnswer.read(text);
        return json.ok() ? json.json() : ChatStream.stripFence(text);
    }

    public ModelResponse withAttempts(int count) {
        return new ModelResponse(text, usage, answeredBy, doneReason, timings, count, toolCalls);
    }
}
