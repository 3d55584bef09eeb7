package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a model runs. Ollama models are local; OpenRouter (or any OpenAI-compatible endpoint) is cloud. */
public enum Provider {
    OLLAMA(true), OPENROUTER(false);

    private final boolean local;

    Provider(boolean local) {
        this.local = local;
    }

    /** True for models running on the user's own machine: the dashboard's "local" badge. */
    public boolean local() {
        return local;
    }

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static Provider fromId(String id) {
        return LowerCaseEnum.parse(Provider.class, "provider", id);
    }
}
