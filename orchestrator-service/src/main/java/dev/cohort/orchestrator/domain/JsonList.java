package dev.cohort.orchestrator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cohort.contracts.EventCodec;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** Short lists (dependencies, artifact keys and references) stored as a JSON array of strings in a text column. */
@Converter
public class JsonList implements AttributeConverter<List<String>, String> {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(List<String> values) {
        try {
            return EventCodec.mapper().writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store list " + values, e);
        }
    }

    @Override
    public List<String> convertToEntityAttribute(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return List.copyOf(EventCodec.mapper().readValue(json, STRINGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not a JSON array of strings: " + json, e);
        }
    }
}
