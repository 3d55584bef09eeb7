package dev.cohort.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cohort.contracts.event.CohortEvent;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * JSON encoding of events. Unknown fields are ignored (newer producers may add them); a missing or
 * malformed required field is an {@link InvalidEventException} that names the field.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = configure(JsonMapper.builder().build());

    private EventCodec() {
    }

    /** Applies Cohort's JSON conventions to a mapper (also used to configure the services' own mapper). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String encode(CohortEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static byte[] encodeBytes(CohortEvent event) {
        return encode(event).getBytes(StandardCharsets.UTF_8);
    }

    public static CohortEvent decode(String json) {
        return decode(json, CohortEvent.class);
    }

    /**
     * Reads an event of the expected family, e.g. {@code AgentEvent.class} for the agent-events topic.
     *
     * @throws InvalidEventException when the JSON is malformed, the type is unknown or not of that family,
     *                               or a required field is missing
     */
    public static <T extends CohortEvent> T decode(String json, Class<T> expected) {
        if (json == null || json.isBlank()) {
            throw new InvalidEventException("empty record: expected a JSON event", null);
        }
        try {
            return MAPPER.readValue(json, expected);
        } catch (InvalidTypeIdException e) {
            String id = e.getTypeId();
            String reason = id == null || id.isBlank()
                    ? "missing required field 'type'"
                    : "unknown event type '" + id + "' for " + expected.getSimpleName();
            throw new InvalidEventException(reason, e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidEventException(cause.getMessage() + at(e), e);
        } catch (MismatchedInputException e) {
            String field = path(e);
            String reason = field.isEmpty() ? e.getOriginalMessage()
                    : "field '" + field + "' has the wrong type or value: " + e.getOriginalMessage();
            throw new InvalidEventException(reason, e);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            String field = path(e);
            throw new InvalidEventException(field.isEmpty() ? message : "field '" + field + "': " + message, e);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T extends CohortEvent> T decode(byte[] json, Class<T> expected) {
        return decode(json == null ? null : new String(json, StandardCharsets.UTF_8), expected);
    }

    private static String at(JsonMappingException e) {
        String path = path(e);
        return path.isEmpty() ? "" : " (in '" + path + "')";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
