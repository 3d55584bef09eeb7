package dev.cohort.simulator.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * How one simulated model behaves. In a stored setting every field is set; in an update ({@code PUT
 * /sim/models/{model}}) a null field keeps the current value.
 *
 * @param timeToFirstTokenMs  delay before the first token
 * @param tokensPerSecond     generation speed; 0 sends the whole answer at once
 * @param maxConcurrent       calls generated at the same time; 0 means no limit (like {@code OLLAMA_NUM_PARALLEL})
 * @param maxQueue            calls waiting for a slot; one more is answered 503 (like {@code OLLAMA_MAX_QUEUE})
 * @param answerTokens        minimum length of a work answer, so streaming takes measurable time
 * @param inputCostPerMillion reported cost per million prompt tokens on the OpenAI protocol; null reports none
 * @param outputCostPerMillion reported cost per million completion tokens on the OpenAI protocol
 * @param style               how answers are formatted ({@link AnswerStyle}): {@code clean}, {@code sloppy}, ...
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSettings(Long timeToFirstTokenMs,
                            Double tokensPerSecond,
                            Integer maxConcurrent,
                            Integer maxQueue,
                            Integer answerTokens,
                            BigDecimal inputCostPerMillion,
                            BigDecimal outputCostPerMillion,
                            String style) {

    /** Fast enough for tests, slow enough that a stream has several chunks. */
    public static final ModelSettings DEFAULTS = new ModelSettings(50L, 400.0, 0, 16, 120, null, null,
            AnswerStyle.CLEAN.id());

    /** Settings that leave the answer style as it is. */
    public ModelSettings(Long timeToFirstTokenMs, Double tokensPerSecond, Integer maxConcurrent, Integer maxQueue,
                         Integer answerTokens, BigDecimal inputCostPerMillion, BigDecimal outputCostPerMillion) {
        this(timeToFirstTokenMs, tokensPerSecond, maxConcurrent, maxQueue, answerTokens, inputCostPerMillion,
                outputCostPerMillion, null);
    }

    /** The answer style; {@code clean} when none is set. */
    public AnswerStyle answerStyle() {
        return style == null ? AnswerStyle.CLEAN : AnswerStyle.fromId(style);
    }

    /** These settings with every non-null field of {@code update} taking precedence. */
    public ModelSettings overlay(ModelSettings update) {
        if (update == null) {
            return this;
        }
        return new ModelSettings(
                update.timeToFirstTokenMs != null ? update.timeToFirstTokenMs : timeToFirstTokenMs,
                update.tokensPerSecond != null ? update.tokensPerSecond : tokensPerSecond,
                update.maxConcurrent != null ? update.maxConcurrent : maxConcurrent,
                update.maxQueue != null ? update.maxQueue : maxQueue,
                update.answerTokens != null ? update.answerTokens : answerTokens,
                update.inputCostPerMillion != null ? update.inputCostPerMillion : inputCostPerMillion,
                update.outputCostPerMillion != null ? update.outputCostPerMillion : outputCostPerMillion,
                update.style != null ? update.style : style);
    }

    /** Rejects values the simulator cannot honour, naming the field. */
    public void validate(String where) {
        check(timeToFirstTokenMs == null || timeToFirstTokenMs >= 0, where, "timeToFirstTokenMs must be >= 0");
        check(tokensPerSecond == null || tokensPerSecond >= 0, where, "tokensPerSecond must be >= 0");
        check(maxConcurrent == null || maxConcurrent >= 0, where, "maxConcurrent must be >= 0 (0 = no limit)");
        check(maxQueue == null || maxQueue >= 0, where, "maxQueue must be >= 0");
        check(answerTokens == null || answerTokens >= 0, where, "answerTokens must be >= 0");
        check(inputCostPerMillion == null || inputCostPerMillion.signum() >= 0, where, "inputCostPerMillion must be >= 0");
        check(outputCostPerMillion == null || outputCostPerMillion.signum() >= 0, where, "outputCostPerMillion must be >= 0");
        if (style != null) {
            try {
                AnswerStyle.fromId(style);
            } catch (IllegalArgumentException e) {
                check(false, where, "style: " + e.getMessage());
            }
        }
    }

    private static void check(boolean ok, String where, String message) {
        if (!ok) {
            throw new IllegalArgumentException(where + ": " + message);
        }
    }
}
