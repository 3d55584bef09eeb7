package dev.cohort.worker.model;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds a provider's REST clients. Each provider has two, because the HTTP client's idle timeout must differ:
 * a stream is never silent for longer than the first-token or stall limit, while a whole answer is silent until it
 * is complete. The idle timeout also closes a connection whose server never answers: cancelling a call before
 * the response headers arrive does not close it.
 */
public final class ProviderClients {

    /** Margin so the call's own first-token and stall timers, which classify the failure, fire first. */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private ProviderClients() {
    }

    public static <T> T streaming(ProviderSettings settings, Class<T> api) {
        ProviderSettings.Timeouts limits = settings.timeouts();
        Duration idle = (limits.firstToken().compareTo(limits.stall()) > 0 ? limits.firstToken() : limits.stall())
                .plus(MARGIN);
        return build(settings, api, idle);
    }

    public static <T> T whole(ProviderSettings settings, Class<T> api) {
        return build(settings, api, settings.timeouts().total().plus(MARGIN));
    }

    private static <T> T build(ProviderSettings settings, Class<T> api, Duration idle) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(settings.url())
                .connectTimeout(settings.timeouts().connect().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(idle.toMillis(), TimeUnit.MILLISECONDS)
                .build(api);
    }
}
