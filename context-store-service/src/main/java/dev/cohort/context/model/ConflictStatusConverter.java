package dev.cohort.context.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter(autoApply = true)
public class ConflictStatusConverter implements AttributeConverter<ConflictStatus, String> {

    @Override
    public String convertToDatabaseColumn(ConflictStatus status) {
        return status == null ? null : status.id();
    }

    @Override
    public ConflictStatus convertToEntityAttribute(String id) {
        return id == null ? null : ConflictStatus.fromId(id);
    }
}
