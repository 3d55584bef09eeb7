package dev.cohort.context.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.EventCodec;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** The REST API writes dates and enums as the events do. */
@Singleton
public class JacksonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        EventCodec.configure(mapper);
    }
}
