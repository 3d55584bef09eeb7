package dev.cohort.worker.model;

import dev.cohort.contracts.model.Provider;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a provider is and how long its calls may take.
 *
 * @param apiKey   the bearer token, or null; never printed ({@link #toString()} hides it)
 * @param referer  OpenRouter's {@code HTTP-Referer}
 * @param title    OpenRouter's {@code X-Title}
 * @param keepAlive Ollama's {@code keep_alive}
 */
public record ProviderSettings(Provider provider, URI url, Timeouts timeouts, String apiKey, String referer,
                               String title, String keepAlive) {

    /** Time limits of one call; see {@code cohort.providers.<provider>.timeouts.*}. */
    public record Timeouts(Duration connect, Duration firstToken, Duration stall, Duration total) {
        public Timeouts {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(firstToken, "firstToken");
            Objects.requireNonNull(stall, "stall");
            Objects.requireNonNull(total, "total");
        }
    }

    public ProviderSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeouts, "timeouts");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    /** The configuration prefix of this provider, for messages that name the setting to change. */
    public String configPrefix() {
        return "cohort.providers." + provider.id();
    }

    public String displayName() {
        return provider == Provider.OLLAMA ? "Ollama" : "OpenRouter";
    }

    public ProviderSettings withUrl(URI other) {
        return new ProviderSettings(provider, other, timeouts, apiKey, referer, title, keepAlive);
    }

    public ProviderSettings withTimeouts(Timeouts other) {
        return new ProviderSettings(provider, url, other, apiKey, referer, title, keepAlive);
    }

    public ProviderSettings withApiKey(String key) {
        return new ProviderSettings(provider, url, timeouts, key, referer, title, keepAlive);
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + provider.id() + " " + url + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
    }
}
