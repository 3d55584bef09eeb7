package dev.cohort.worker.model.openrouter;

import dev.cohort.contracts.model.Provider;
import dev.cohort.worker.model.ChatStream;
import dev.cohort.worker.model.ModelProvider;
import dev.cohort.worker.model.ModelRequest;
import dev.cohort.worker.model.ModelResponse;
import dev.cohort.worker.model.PriceTable;
import dev.cohort.worker.model.ProviderClients;
import dev.cohort.worker.model.ProviderSettings;
import dev.cohort.worker.model.TokenListener;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * OpenRouter, or any OpenAI-compatible endpoint (vLLM, LM Studio, a gateway): SSE streaming, structured output
 * through {@code response_format}, usage with the cost OpenRouter reports, and its optional fallback {@code models}.
 */
public final class OpenRouterModelProvider implements ModelProvider {

    private final ProviderSettings settings;
    private final PriceTable prices;
    private final OpenRouterApi streaming;
    private final OpenRouterApi whole;

    public OpenRouterModelProvider(ProviderSettings settings, PriceTable prices) {
        if (settings.provider() != Provider.OPENROUTER) {
            throw new IllegalArgumentException("not OpenRouter settings: " + settings);
        }
        this.settings = settings;
        this.prices = prices;
        this.streaming = ProviderClients.streaming(settings, OpenRouterApi.class);
        this.whole = ProviderClients.whole(settings, OpenRouterApi.class);
    }

    @Override
    public Provider provider() {
        return Provider.OPENROUTER;
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public Uni<ModelResponse> chat(ModelRequest request, TokenListener listener) {
        ChatCompletionRequest body = OpenRouterWireFormat.request(request);
        String authorization = settings.apiKey() == null ? null : "Bearer " + settings.apiKey();
        Multi<String> answer = Multi.createFrom().deferred(() -> request.stream()
                ? streaming.chatStream(authorization, settings.referer(), settings.title(), body)
                : whole.chat(authorization, settings.referer(), settings.title(), body).toMulti());
        return ChatStream.run(answer, element -> OpenRouterWireFormat.chunk(element, request, settings), request,
                listener, settings, prices);
    }
}
