package dev.cohort.worker.config;

import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import java.util.List;
import java.util.Optional;

/**
 * How one role calls its model; validated, from {@code cohort.roles.<role>.*}.
 *
 * @param systemPrompt         the text of the system prompt
 * @param systemPromptResource where the text came from
 * @param maxAttempts          model calls per subtask attempt, retries included
 * @param escalation           the model that takes over after repeated failures, if any
 */
public record RoleProfile(Role role,
                          ModelRef model,
                          double temperature,
                          int maxTokens,
                          Integer contextTokens,
                          String systemPrompt,
                          String systemPromptResource,
                          int maxAttempts,
                          Optional<ModelRef> escalation,
                          List<String> fallbackModels) {

    /** The model for an attempt: the dispatch's override when given, else the role's own. */
    public ModelRef modelFor(ModelRef override) {
        return modelFor(override, false);
    }

    /**
     * The model for an attempt: the dispatch's override when given; else, when the orchestrator asks to escalate,
     * the escalation model (the role's own if it has none); else the role's own.
     */
    public ModelRef modelFor(ModelRef override, boolean escalate) {
        if (override != null) {
            return override;
        }
        return escalate ? escalation.orElse(model) : model;
    }
}
