package dev.cohort.context.model;

import dev.cohort.contracts.model.ArtifactKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores an artifact kind as its JSON id ({@code api-contract}), the same spelling as in events and the API. */
@Converter(autoApply = true)
public class ArtifactKindConverter implements AttributeConverter<ArtifactKind, String> {

    @Override
    public String convertToDatabaseColumn(ArtifactKind kind) {
        return kind == null ? null : kind.id();
    }

    @Override
    public ArtifactKind convertToEntityAttribute(String id) {
        return id == null ? null : ArtifactKind.fromId(id);
    }
}
