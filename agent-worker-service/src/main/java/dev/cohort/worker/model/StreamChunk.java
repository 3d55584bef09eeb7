package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * What one piece of a provider's answer says, in provider-neutral terms. Null fields say nothing.
 *
 * @param content          text to append
 * @param doneReason       why generation stopped, when this piece says so
 * @param terminal         the protocol's end marker (Ollama {@code done: true}, OpenAI {@code [DONE]})
 * @param promptTokens     tokens read
 * @param completionTokens tokens written
 * @param cost             cost in USD as the provider reports it
 * @param model            the model that answered
 * @param toolCalls        pieces of tool calls: whole ones (Ollama) or deltas to join by index (OpenAI)
 */
public record StreamChunk(String content, String doneReason, boolean terminal, Long promptTokens,
                          Long completionTokens, BigDecimal cost, String model, List<ToolCallPiece> toolCalls) {

    public static final StreamChunk END = new StreamChunk(null, null, true, null, null, null, null);

    public StreamChunk {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public StreamChunk(String content, String doneReason, boolean terminal, Long promptTokens, Long completionTokens,
                       BigDecimal cost, String model) {
        this(content, doneReason, terminal, promptTokens, completionTokens, cost, model, List.of());
    }

    /**
     * A piece of the tool call at {@code index}: its id and name when they first appear, then {@code arguments} text
     * to append (OpenAI) or the whole arguments value ({@code argumentsJson}, Ollama).
     */
    public record ToolCallPiece(int index, String id, String name, String arguments, JsonNode argumentsJson) {
    }
}
