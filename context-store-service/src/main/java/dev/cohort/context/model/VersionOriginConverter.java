package dev.cohort.context.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores an origin in lower case, as the migration's partial index expects. */
@Converter(autoApply = true)
public class VersionOriginConverter implements AttributeConverter<VersionOrigin, String> {

    @Override
    public String convertToDatabaseColumn(VersionOrigin origin) {
        return origin == null ? null : origin.id();
    }

    @Override
    public VersionOrigin convertToEntityAttribute(String id) {
        return id == null ? null : VersionOrigin.valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
}
