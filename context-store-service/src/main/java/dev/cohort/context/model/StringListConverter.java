package dev.cohort.context.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cohort.contracts.EventCodec;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** Stores a list of strings as a JSON array in a text column. Not applied automatically: name it on the field. */
@Converter
public class StringListConverter implements AttributeConverter<List<String>, String> {

    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(List<String> values) {
        if (values == null) {
            return null;
        }
        try {
            return EventCodec.mapper().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + values + " as JSON", e);
        }
    }

    @Override
    public List<String> convertToEntityAttribute(String json) {
        if (json == null) {
            return null;
        }
        try {
            return List.copyOf(EventCodec.mapper().readValue(json, LIST));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored list is not a JSON array of strings: " + json, e);
        }
    }
}
