package dev.cohort.contracts.model;

import java.math.BigDecimal;

/** What a plan or subtask is expected to cost before it runs. */
public record Estimate(long tokens, BigDecimal costUsd, long seconds) {
}
