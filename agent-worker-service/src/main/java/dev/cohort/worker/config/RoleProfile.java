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
 * @param toolMode             how work subtasks are done: one Markdown answer, or a native tool loop
 * @param maxTurns             model turns a tool loop may take
 * @param commands             programs the role may run in the sandbox; empty: no {@code run} tool
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
                          List<String> fallbackModels,
                          ToolMode toolMode,
                          int maxTurns,
                          List<String> commands) {

    /** How a role's model does work subtasks. */
    public enum ToolMode {
        /** One answer with fenced files and a summary block. */
        MARKDOWN,
        /** A loop over the provider's tool API until the model calls {@code finish}. */
        NATIVE;

        public static ToolMode fromId(String id) {
            return switch (id == null ? "" : id.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "markdown" -> MARKDOWN;
                case "native" -> NATIVE;
                default -> throw new IllegalArgumentException("tool-mode must be native or markdown, not '" + id + "'");
            };
        }
    }

    public RoleProfile {
        fallbackModels = fallbackModels == null ? List.of() : List.copyOf(fallbackModels);
        toolMode = toolMode == null ? ToolMode.MARKDOWN : toolMode;
        commands = commands == null ? List.of() : List.copyOf(commands);
    }

    /** A profile that works in Markdown. */
    public RoleProfile(Role role, ModelRef model, double temperature, int maxTokens, Integer contextTokens,
                       String systemPrompt, String systemPromptResource, int maxAttempts,
                       Optional<ModelRef> escalation, List<String> fallbackModels) {
        this(role, model, temperature, maxTokens, contextTokens, systemPrompt, systemPromptResource, maxAttempts,
                escalation, fallbackModels, ToolMode.MARKDOWN, 16, List.of());
    }

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
