package dev.cohort.context.model;

import dev.cohort.contracts.model.Provider;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a provider as its JSON id ({@code ollama}). */
@Converter(autoApply = true)
public class ProviderConverter implements AttributeConverter<Provider, String> {

    @Override
    public String convertToDatabaseColumn(Provider provider) {
        return provider == null ? null : provider.id();
    }

    @Override
    public Provider convertToEntityAttribute(String id) {
        return id == null ? null : Provider.fromId(id);
    }
}
