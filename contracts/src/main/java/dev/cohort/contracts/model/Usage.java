package dev.cohort.contracts.model;

import java.math.BigDecimal;

/** Tokens and cost of one or more model calls. {@code costUsd} is null when nothing is known. */
public record Usage(long promptTokens, long completionTokens, BigDecimal costUsd, CostSource costSource) {

    public static final Usage NONE = new Usage(0, 0, null, CostSource.UNKNOWN);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        if (costSource == null) {
            costSource = costUsd == null ? CostSource.UNKNOWN : CostSource.PROVIDER;
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** The sum of two usages; a known cost plus an unknown one stays known (the unknown part counts as zero). */
    public Usage plus(Usage other) {
        if (other == null) {
            return this;
        }
        BigDecimal cost = costUsd == null ? other.costUsd
                : other.costUsd == null ? costUsd : costUsd.add(other.costUsd);
        CostSource source = costSource == other.costSource ? costSource
                : cost == null ? CostSource.UNKNOWN : CostSource.PRICE_TABLE;
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens, cost, source);
    }
}
