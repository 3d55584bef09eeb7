package dev.cohort.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Models configuration: a profile per role, the providers' endpoints and timeouts, retries and prices.
 * {@link RoleProfiles} validates it at start-up.
 */
@ConfigMapping(prefix = "cohort")
public interface CohortModelsConfig {

    /** Role profiles keyed by role id ({@code lead}, {@code backend}, ...). Every role needs one. */
    Map<String, RoleConfig> roles();

    ProvidersConfig providers();

    RetryConfig retry();

    TelemetryConfig telemetry();

    /** Prices per million tokens keyed by model name, for cost where the provider reports none. */
    Map<String, PriceConfig> prices();

    /** One role's model and how it is called. */
    interface RoleConfig {
        /** {@code ollama} or {@code openrouter} (any OpenAI-compatible endpoint). */
        Optional<String> provider();

        /** The model name at that provider, e.g. {@code qwen2.5-coder:7b} or {@code anthropic/claude-sonnet-4}. */
        Optional<String> model();

        /** Sampling temperature, 0 to 2. */
        @WithDefault("0.2")
        double temperature();

        /** Output token limit of one call. */
        @WithDefault("4096")
        int maxTokens();

        /** Context window asked of Ollama ({@code num_ctx}); absent keeps the model's default. */
        Optional<Integer> contextTokens();

        /** Classpath resource with the role's system prompt; default {@code prompts/<role>.md}. */
        Optional<String> systemPrompt();

        /** Model calls for one subtask attempt, retries of retryable failures included. */
        @WithDefault("3")
        int maxAttempts();

        /** Provider of the model that takes over after repeated failures; absent means no escalation. */
        Optional<String> escalationProvider();

        /** Model that takes over after repeated failures. */
        Optional<String> escalationModel();

        /** OpenRouter models to try when the model is unavailable (its {@code models} parameter). */
        Optional<List<String>> fallbackModels();

        /**
         * How the role's model does a work subtask: {@code markdown}, one answer with fenced files and a summary
         * block; or {@code native}, a loop over the provider's tool API (list, read and write artifacts, message,
         * ask, run commands in the sandbox, finish). A model that answers a tool offer with prose is read as
         * {@code markdown}.
         */
        @WithDefault("markdown")
        String toolMode();

        /** Model turns a tool loop may take; one that has not called {@code finish} by then fails the attempt. */
        @WithDefault("16")
        int maxTurns();

        /**
         * Programs the role may run in the sandbox with the {@code run} tool (the command's first word, e.g.
         * {@code node}, {@code javac}); none means the role is not offered {@code run}.
         */
        Optional<List<String>> commands();
    }

    /** The two provider endpoints. */
    interface ProvidersConfig {
        OllamaConfig ollama();

        OpenRouterConfig openrouter();
    }

    /** Ollama's native API. */
    interface OllamaConfig {
        /** Base URL, e.g. {@code http://localhost:11434}; the default is the model simulator. */
        @WithDefault("http://localhost:8090")
        String url();

        /** How long Ollama keeps a model loaded after a call ({@code keep_alive}). */
        @WithDefault("10m")
        String keepAlive();

        TimeoutsConfig timeouts();
    }

    /** OpenRouter, or any OpenAI-compatible chat completions endpoint. */
    interface OpenRouterConfig {
        /** Base URL without {@code /chat/completions}, e.g. {@code https://openrouter.ai/api/v1}. */
        @WithDefault("http://localhost:8090/v1")
        String url();

        /** The API key; set it with the OPENROUTER_API_KEY environment variable only. */
        Optional<String> apiKey();

        /**
         * Whether start-up fails without an API key when a role uses this provider; absent means "when the URL
         * is openrouter.ai".
         */
        Optional<Boolean> apiKeyRequired();

        /** Sent as {@code HTTP-Referer}: OpenRouter attributes usage to this site. */
        @WithDefault("https://github.com/cohort-dev/cohort")
        String referer();

        /** Sent as {@code X-Title}: the app name on OpenRouter's dashboards. */
        @WithDefault("Cohort")
        String title();

        TimeoutsConfig timeouts();
    }

    /** Time limits of one call. */
    interface TimeoutsConfig {
        /** Opening the TCP connection. */
        @WithDefault("5s")
        Duration connect();

        /** From sending the request to the first token of a stream (model loading included). */
        @WithName("first-token")
        @WithDefault("120s")
        Duration firstToken();

        /** The longest gap between two streamed chunks. */
        @WithDefault("60s")
        Duration stall();

        /** The whole call. */
        @WithDefault("10m")
        Duration total();
    }

    /** Backoff between retries of one call. */
    interface RetryConfig {
        /** Delay before the first retry; it doubles for each further retry. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** The longest computed delay. */
        @WithDefault("20s")
        Duration maxBackoff();

        /** A Retry-After longer than this is not waited for: the call fails at once (escalation may help). */
        @WithDefault("120s")
        Duration maxRetryAfter();

        /** Random spread of each computed delay, as a fraction (0.5: between 50% and 150%). */
        @WithDefault("0.5")
        double jitter();
    }

    /** What model-call spans carry (docs/operating.md#tracing). */
    interface TelemetryConfig {
        /** Prompts and completions on the spans as gen_ai.input.messages / gen_ai.output.messages; off by default. */
        @WithDefault("false")
        boolean captureContent();
    }

    /** USD per million tokens. */
    interface PriceConfig {
        BigDecimal inputPerMillion();

        BigDecimal outputPerMillion();
    }
}
