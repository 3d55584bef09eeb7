package dev.cohort.worker.config;

import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.worker.model.PriceTable;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every role's validated profile. Built at start-up: a wrong configuration stops the worker with a message that
 * names each bad key, instead of failing at the first model call.
 */
@Startup
@Singleton
public class RoleProfiles {

    private final Map<Role, RoleProfile> profiles;

    @Inject
    public RoleProfiles(CohortModelsConfig config) {
        this(from(config, RoleProfiles::classpathResource));
    }

    private RoleProfiles(Map<Role, RoleProfile> profiles) {
        this.profiles = profiles;
        profiles.values().forEach(p -> Log.infof("Role %s: %s%s", p.role().id(), p.model(),
                p.escalation().map(e -> ", escalates to " + e).orElse("")));
    }

    public RoleProfile profile(Role role) {
        return profiles.get(role);
    }

    public Collection<RoleProfile> all() {
        return profiles.values();
    }

    /**
     * Validates the configuration and builds the profiles.
     *
     * @param resources reads a classpath resource as text, null when it does not exist
     * @throws ModelConfigException listing every problem
     */
    public static Map<Role, RoleProfile> from(CohortModelsConfig config, Function<String, String> resources) {
        List<String> problems = new ArrayList<>();
        for (String key : config.roles().keySet()) {
            try {
                Role.fromId(key);
            } catch (IllegalArgumentException e) {
                problems.add("cohort.roles." + key + ": " + e.getMessage());
            }
        }
        checkUrl(problems, "cohort.providers.ollama.url", config.providers().ollama().url());
        checkUrl(problems, "cohort.providers.openrouter.url", config.providers().openrouter().url());
        Map<Role, RoleProfile> profiles = new EnumMap<>(Role.class);
        List<String> openRouterUsers = new ArrayList<>();
        for (Role role : Role.values()) {
            String prefix = "cohort.roles." + role.id();
            CohortModelsConfig.RoleConfig rc = config.roles().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(role.id())).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
            if (rc == null) {
                problems.add(prefix + ": no profile; every role needs " + prefix + ".provider and " + prefix + ".model");
                continue;
            }
            Provider provider = provider(problems, prefix + ".provider", rc.provider());
            String model = rc.model().map(String::strip).filter(m -> !m.isEmpty()).orElse(null);
            if (model == null) {
                problems.add(prefix + ".model: missing; name the model, e.g. qwen2.5-coder:7b or anthropic/claude-sonnet-4");
            }
            if (rc.temperature() < 0 || rc.temperature() > 2) {
                problems.add(prefix + ".temperature: must be between 0 and 2, was " + rc.temperature());
            }
            if (rc.maxTokens() < 1) {
                problems.add(prefix + ".max-tokens: must be at least 1, was " + rc.maxTokens());
            }
            if (rc.maxAttempts() < 1) {
                problems.add(prefix + ".max-attempts: must be at least 1, was " + rc.maxAttempts());
            }
            if (rc.contextTokens().isPresent() && rc.contextTokens().get() < 1) {
                problems.add(prefix + ".context-tokens: must be at least 1, was " + rc.contextTokens().get());
            }
            String resource = rc.systemPrompt().orElse("prompts/" + role.id() + ".md");
            String prompt = resources.apply(resource);
            if (prompt == null || prompt.isBlank()) {
                problems.add(prefix + ".system-prompt: no classpath resource '" + resource + "' (or it is empty)");
            }
            Optional<ModelRef> escalation = Optional.empty();
            boolean hasEscalationProvider = rc.escalationProvider().filter(s -> !s.isBlank()).isPresent();
            boolean hasEscalationModel = rc.escalationModel().filter(s -> !s.isBlank()).isPresent();
            if (hasEscalationProvider != hasEscalationModel) {
                problems.add(prefix + ".escalation-provider and " + prefix + ".escalation-model: set both or neither");
            } else if (hasEscalationProvider) {
                Provider escalationProvider = provider(problems, prefix + ".escalation-provider", rc.escalationProvider());
                if (escalationProvider != null) {
                    escalation = Optional.of(new ModelRef(escalationProvider, rc.escalationModel().get().strip()));
                    if (escalationProvider == Provider.OPENROUTER) {
                        openRouterUsers.add(prefix + ".escalation-provider");
                    }
                }
            }
            if (provider == Provider.OPENROUTER) {
                openRouterUsers.add(prefix + ".provider");
            }
            RoleProfile.ToolMode toolMode = null;
            try {
                toolMode = RoleProfile.ToolMode.fromId(rc.toolMode());
            } catch (IllegalArgumentException e) {
                problems.add(prefix + ".tool-mode: " + e.getMessage());
            }
            if (rc.maxTurns() < 2) {
                problems.add(prefix + ".max-turns: must be at least 2 (work, then finish), was " + rc.maxTurns());
            }
            List<String> commands = rc.commands().orElse(List.of()).stream().map(String::strip)
                    .filter(c -> !c.isEmpty()).toList();
            for (String command : commands) {
                if (command.contains("/") || command.contains(" ")) {
                    problems.add(prefix + ".commands: '" + command + "' must be a program name (e.g. node), "
                            + "not a path or a command line");
                }
            }
            if (provider != null && model != null && prompt != null && !prompt.isBlank() && toolMode != null) {
                profiles.put(role, new RoleProfile(role, new ModelRef(provider, model), rc.temperature(),
                        rc.maxTokens(), rc.contextTokens().orElse(null), prompt, resource, rc.maxAttempts(),
                        escalation, rc.fallbackModels().orElse(List.of()), toolMode, rc.maxTurns(), commands));
            }
        }
        CohortModelsConfig.OpenRouterConfig openRouter = config.providers().openrouter();
        boolean keyRequired = openRouter.apiKeyRequired().orElseGet(() -> isOpenRouterHost(openRouter.url()));
        boolean hasKey = openRouter.apiKey().filter(k -> !k.isBlank()).isPresent();
        if (keyRequired && !hasKey && !openRouterUsers.isEmpty()) {
            problems.add(openRouterUsers.get(0) + " is openrouter" + (openRouterUsers.size() > 1
                    ? " (also " + String.join(", ", openRouterUsers.subList(1, openRouterUsers.size())) + ")" : "")
                    + ", but no API key is set: export OPENROUTER_API_KEY (read as cohort.providers.openrouter.api-key)");
        }
        if (hasKey && !keySafeOver(openRouter.url())) {
            problems.add("cohort.providers.openrouter.url is " + openRouter.url() + ", but an OpenRouter API key is "
                    + "only sent over HTTPS (or to this machine): use an https:// URL");
        }
        config.prices().forEach((model, price) -> {
            if (price.inputPerMillion().signum() < 0 || price.outputPerMillion().signum() < 0) {
                problems.add("cohort.prices.\"" + model + "\": prices must not be negative");
            }
        });
        if (!problems.isEmpty()) {
            throw new ModelConfigException(problems);
        }
        return profiles;
    }

    /** The price table from {@code cohort.prices}. */
    public static PriceTable priceTable(CohortModelsConfig config) {
        Map<String, PriceTable.Price> prices = new HashMap<>();
        config.prices().forEach((model, price) -> prices.put(model,
                new PriceTable.Price(price.inputPerMillion(), price.outputPerMillion())));
        return new PriceTable(prices);
    }

    private static Provider provider(List<String> problems, String key, Optional<String> value) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(key + ": missing; expected ollama or openrouter");
            return null;
        }
        try {
            return Provider.fromId(value.get());
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return null;
        }
    }

    private static void checkUrl(List<String> problems, String key, String url) {
        try {
            URI uri = URI.create(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problems.add(key + ": not an http(s) URL: '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            problems.add(key + ": not a URL: '" + url + "'");
        }
    }

    /** Whether a key may be sent to this URL: HTTPS, or plain HTTP to a loopback address. */
    static boolean keySafeOver(String url) {
        try {
            URI uri = URI.create(url.strip());
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                return true;
            }
            String host = uri.getHost();
            return "http".equalsIgnoreCase(uri.getScheme()) && host != null
                    && (host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127."));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isOpenRouterHost(String url) {
        try {
            String host = URI.create(url.strip()).getHost();
            return host != null && (host.equals("openrouter.ai") || host.endsWith(".openrouter.ai"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String classpathResource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
