package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool offered to a model: its name, what it does, and the JSON Schema of its arguments, as both providers' tool
 * APIs take them ({@code {type: "function", function: {name, description, parameters}}}).
 */
public record ToolSpec(String name, String description, JsonNode parameters) {

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        description = description == null ? "" : description;
    }
}
