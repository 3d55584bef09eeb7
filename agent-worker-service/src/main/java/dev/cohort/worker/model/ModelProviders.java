package dev.cohort.worker.model;

import dev.cohort.contracts.model.Provider;
import dev.cohort.worker.config.CohortModelsConfig;
import dev.cohort.worker.config.RoleProfiles;
import dev.cohort.worker.model.ollama.OllamaModelProvider;
import dev.cohort.worker.model.openrouter.OpenRouterModelProvider;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/** The configured providers, one per {@link Provider}, and the price table they cost calls with. */
@Singleton
public class ModelProviders {

    private final Map<Provider, ModelProvider> providers = new EnumMap<>(Provider.class);
    private final PriceTable prices;

    @Inject
    public ModelProviders(CohortModelsConfig config) {
        this(RoleProfiles.priceTable(config), ollamaSettings(config), openRouterSettings(config));
    }

    /** Providers with the given settings, e.g. other URLs or time limits. */
    public ModelProviders(PriceTable prices, ProviderSettings ollama, ProviderSettings openRouter) {
        this.prices = prices;
        providers.put(Provider.OLLAMA, new OllamaModelProvider(ollama, prices));
        providers.put(Provider.OPENROUTER, new OpenRouterModelProvider(openRouter, prices));
    }

    public ModelProvider provider(Provider provider) {
        return providers.get(provider);
    }

    public PriceTable prices() {
        return prices;
    }

    public static ProviderSettings ollamaSettings(CohortModelsConfig config) {
        CohortModelsConfig.OllamaConfig ollama = config.providers().ollama();
        return new ProviderSettings(Provider.OLLAMA, URI.create(ollama.url().strip()), timeouts(ollama.timeouts()),
                null, null, null, ollama.keepAlive());
    }

    public static ProviderSettings openRouterSettings(CohortModelsConfig config) {
        CohortModelsConfig.OpenRouterConfig openRouter = config.providers().openrouter();
        return new ProviderSettings(Provider.OPENROUTER, URI.create(openRouter.url().strip()),
                timeouts(openRouter.timeouts()), openRouter.apiKey().orElse(null), openRouter.referer(),
                openRouter.title(), null);
    }

    private static ProviderSettings.Timeouts timeouts(CohortModelsConfig.TimeoutsConfig config) {
        return new ProviderSettings.Timeouts(config.connect(), config.firstToken(), config.stall(), config.total());
    }
}
