package dev.cohort.orchestrator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.cohort.contracts.EventCodec;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;
import org.hibernate.annotations.Immutable;

/**
 * Short lists (dependencies, artifact keys and references) stored as a JSON array of strings in a text column. The
 * lists are immutable (the entity's setters copy them): Hibernate compares them as they are instead of copying each
 * one through JSON for its snapshot of every entity it loads.
 */
@Converter
@Immutable
public class JsonList implements AttributeConverter<List<String>, String> {

    private static final ObjectReader STRINGS = EventCodec.mapper().readerFor(new TypeReference<List<String>>() {
    });

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
            return List.copyOf(STRINGS.<List<String>>readValue(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not a JSON array of strings: " + json, e);
        }
    }
}
