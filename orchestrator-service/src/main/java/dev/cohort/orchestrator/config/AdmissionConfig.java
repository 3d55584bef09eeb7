package dev.cohort.orchestrator.config;

import dev.cohort.contracts.model.ModelRef;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How much work the team may put on each model at once, for every worker replica together (docs/models.md,
 * "Limits"). A subtask is dispatched only while its model is under its limits; otherwise it stays ready and waits,
 * instead of failing at the provider.
 */
@ConfigMapping(prefix = "cohort.admission")
public interface AdmissionConfig {

    /** False dispatches every ready subtask at once, whatever its model's load. */
    @WithDefault("true")
    boolean enabled();

    /** Limits of every model of a provider ({@code ollama}, {@code openrouter}), unless the model has its own. */
    Map<String, Limits> providers();

    /**
     * Limits of one model, keyed {@code provider/model} (quote the key in properties:
     * {@code cohort.admission.models."ollama/qwen2.5-coder:7b".concurrency=2}).
     */
    Map<String, Limits> models();

    /**
     * Attempts of a role dispatched at once while the role's model is not known yet (no worker of the role has
     * started one since the orchestrator's database was created): its first start names the model, and the model's
     * limits apply from then on. 0: no limit.
     */
    @WithDefault("1")
    int unknownModelConcurrency();

    /** How soon a subtask held back by a limit is looked at again. */
    @WithDefault("500ms")
    Duration recheck();

    /**
     * How long a model takes no new work after an attempt failed because its provider was overloaded (429, 503) and
     * gave no Retry-After of its own.
     */
    @WithDefault("20s")
    Duration overloadPause();

    interface Limits {
        /** Calls in flight at once on one model (subtasks dispatched or running); absent or 0: no limit. */
        Optional<Integer> concurrency();

        /** Subtasks dispatched to one model per minute; absent or 0: no limit. */
        Optional<Integer> requestsPerMinute();

        /**
         * Of a provider only: calls in flight at once on all its models together, e.g. one Ollama box serving
         * several models (absent or 0: no limit). Ignored on a model.
         */
        Optional<Integer> totalConcurrency();
    }

    /** The limit on all of a provider's models together, 0 for none. */
    default int totalConcurrency(ModelRef model) {
        Limits provider = providers().get(model.provider().id());
        return provider == null ? 0 : Math.max(0, provider.totalConcurrency().orElse(0));
    }

    /** The concurrency limit of a model, 0 for none. */
    default int concurrency(ModelRef model) {
        return limit(model, Limits::concurrency);
    }

    /** The per-minute limit of a model, 0 for none. */
    default int requestsPerMinute(ModelRef model) {
        return limit(model, Limits::requestsPerMinute);
    }

    private int limit(ModelRef model, java.util.function.Function<Limits, Optional<Integer>> which) {
        Limits own = models().get(model.provider().id() + "/" + model.model());
        if (own != null && which.apply(own).isPresent()) {
            return Math.max(0, which.apply(own).get());
        }
        Limits provider = providers().get(model.provider().id());
        return provider == null ? 0 : Math.max(0, which.apply(provider).orElse(0));
    }
}
