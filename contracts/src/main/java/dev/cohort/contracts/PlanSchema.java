package dev.cohort.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON schema of a lead's plan. Workers ask the lead's model for output in this shape (structured output);
 * the orchestrator validates what comes back against the same rules.
 */
public final class PlanSchema {

    /** The schema as JSON text. */
    public static final String JSON = load();

    private PlanSchema() {
    }

    private static String load() {
        try (InputStream in = PlanSchema.class.getResourceAsStream("plan.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("plan.schema.json is missing from the contracts jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
