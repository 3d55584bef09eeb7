package dev.cohort.simulator.app;

import dev.cohort.simulator.service.ModelSettings;
import dev.cohort.simulator.service.SimulatorSettings;
import io.smallrye.config.ConfigMapping;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The simulator's start-up settings; each can be changed at runtime with {@code PUT /sim/models/{model}}. */
@ConfigMapping(prefix = "cohort.simulator")
public interface SimulatorConfig {

    /** How every model behaves unless it has an entry under {@code models}. */
    Model defaults();

    /** Per-model settings, keyed by model name, e.g. {@code cohort.simulator.models."sim-lead".tokens-per-second}. */
    Map<String, Model> models();

    /** When set, the OpenAI-compatible endpoints require {@code Authorization: Bearer <key>}. */
    Optional<String> apiKey();

    /** One model's behaviour; an absent key keeps the default. */
    interface Model {
        /** Milliseconds before the first token. */
        Optional<Long> timeToFirstTokenMs();

        /** Tokens generated per second; 0 sends the whole answer at once. */
        Optional<Double> tokensPerSecond();

        /** Calls generated at the same time; 0 means no limit. */
        Optional<Integer> maxConcurrent();

        /** Calls that may wait for a slot; one more is answered 503. */
        Optional<Integer> maxQueue();

        /** Minimum length of a Markdown answer in tokens. */
        Optional<Integer> answerTokens();

        /** Cost reported per million prompt tokens on the OpenAI protocol; absent reports no cost. */
        Optional<BigDecimal> inputCostPerMillion();

        /** Cost reported per million completion tokens on the OpenAI protocol. */
        Optional<BigDecimal> outputCostPerMillion();

        /**
         * How answers are formatted: {@code clean}, {@code sloppy} (a rotating mix), one sloppy style,
         * {@code broken-first} or a {@code tool-*} style for tool loops.
         */
        Optional<String> style();

        default ModelSettings toSettings() {
            return new ModelSettings(timeToFirstTokenMs().orElse(null), tokensPerSecond().orElse(null),
                    maxConcurrent().orElse(null), maxQueue().orElse(null), answerTokens().orElse(null),
                    inputCostPerMillion().orElse(null), outputCostPerMillion().orElse(null), style().orElse(null));
        }
    }

    default SimulatorSettings toSettings() {
        Map<String, ModelSettings> models = new HashMap<>();
        models().forEach((name, model) -> models.put(name, model.toSettings()));
        return new SimulatorSettings(defaults().toSettings(), models, apiKey().orElse(null));
    }
}
