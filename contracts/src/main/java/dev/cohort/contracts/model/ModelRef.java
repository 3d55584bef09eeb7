package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;

/** A model at a provider, e.g. {@code ollama / qwen2.5-coder:7b}. */
public record ModelRef(Provider provider, String model) {
    public ModelRef {
        Required.field(provider, "provider");
        Required.field(model, "model");
    }

    @Override
    public String toString() {
        return provider.id() + "/" + model;
    }
}
