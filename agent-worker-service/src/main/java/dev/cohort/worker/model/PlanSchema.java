package dev.cohort.worker.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;

/**
 * The JSON schema of a lead's plan, sent as structured output format. The schema itself lives in contracts
 * ({@link dev.cohort.contracts.PlanSchema}), where the orchestrator's validator follows the same rules.
 */
public final class PlanSchema {

    public static final String NAME = "plan";
    private static final JsonNode SCHEMA = load();

    private PlanSchema() {
    }

    /** A copy, so callers cannot change the shared schema. */
    public static JsonNode schema() {
        return SCHEMA.deepCopy();
    }

    private static JsonNode load() {
        try {
            return EventCodec.mapper().readTree(dev.cohort.contracts.PlanSchema.JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the plan schema in contracts is not JSON", e);
        }
    }
}
