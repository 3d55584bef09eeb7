package dev.cohort.worker.model;

import java.math.BigDecimal;

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
 */
public record StreamChunk(String content, String doneReason, boolean terminal, Long promptTokens,
                          Long completionTokens, BigDecimal cost, String model) {

    public static final StreamChunk END = new StreamChunk(null, null, true, null, null, null, null);
}
