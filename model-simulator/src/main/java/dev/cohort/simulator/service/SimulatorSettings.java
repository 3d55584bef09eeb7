package dev.cohort.simulator.service;

import java.util.Map;

/**
 * Start-up settings of a simulator: the behaviour of any model not listed, per-model overrides, and an
 * optional API key the OpenAI-compatible endpoints then require.
 */
public record SimulatorSettings(ModelSettings defaults, Map<String, ModelSettings> models, String apiKey) {

    public SimulatorSettings {
        defaults = ModelSettings.DEFAULTS.overlay(defaults);
        defaults.validate("defaults");
        models = models == null ? Map.of() : Map.copyOf(models);
        models.forEach((name, settings) -> settings.validate("models." + name));
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    public static SimulatorSettings standard() {
        return new SimulatorSettings(ModelSettings.DEFAULTS, Map.of(), null);
    }
}
