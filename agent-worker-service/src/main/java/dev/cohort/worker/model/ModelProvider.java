package dev.cohort.worker.model;

import dev.cohort.contracts.model.Provider;
import io.smallrye.mutiny.Uni;

/**
 * A place models run: Ollama or an OpenAI-compatible endpoint such as OpenRouter.
 *
 * <p>The call is non-blocking ({@link Uni}) rather than a blocking method on a worker thread: a worker holds
 * several long streams at once (minutes each for local models), and timers for first token, stall and total time
 * and cancellation all act on the same stream. A caller that wants to block can {@code await()} on a worker
 * thread. One call is one HTTP request: retries and backoff live in {@link ModelCalls}.
 */
public interface ModelProvider {

    Provider provider();

    /** Where the provider is and its time limits. */
    ProviderSettings settings();

    /**
     * Sends one chat request. Streams the answer to {@code listener} when {@code request.stream()}; otherwise
     * calls it once with the whole text.
     *
     * @return the answer, or a failure that is always a {@link ModelCallException}
     */
    Uni<ModelResponse> chat(ModelRequest request, TokenListener listener);
}
