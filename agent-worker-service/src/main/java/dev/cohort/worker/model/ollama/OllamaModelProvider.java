package dev.cohort.worker.model.ollama;

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

/** Ollama's native {@code /api/chat}: NDJSON streaming, {@code options}, {@code format} and {@code keep_alive}. */
public final class OllamaModelProvider implements ModelProvider {

    private final ProviderSettings settings;
    private final PriceTable prices;
    private final OllamaApi streaming;
    private final OllamaApi whole;

    public OllamaModelProvider(ProviderSettings settings, PriceTable prices) {
        if (settings.provider() != Provider.OLLAMA) {
            throw new IllegalArgumentException("not Ollama settings: " + settings);
        }
        this.settings = settings;
        this.prices = prices;
        this.streaming = ProviderClients.streaming(settings, OllamaApi.class);
        this.whole = ProviderClients.whole(settings, OllamaApi.class);
    }

    @Override
    public Provider provider() {
        return Provider.OLLAMA;
    }

    @Override
    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public Uni<ModelResponse> chat(ModelRequest request, TokenListener listener) {
        OllamaChatRequest body = OllamaWireFormat.request(request, settings);
        Multi<String> answer = Multi.createFrom().deferred(() -> request.stream()
                ? streaming.chatStream(body)
                : whole.chat(body).toMulti());
        return ChatStream.run(answer, element -> OllamaWireFormat.chunk(element, request), request, listener,
                settings, prices);
    }
}
