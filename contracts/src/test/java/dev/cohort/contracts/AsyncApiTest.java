package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.model.Role;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AsyncAPI document that every service serves at /asyncapi.yaml agrees with the code: every topic in
 * {@link Topics}, every event type the codec knows, and every field of every record an event carries, and nothing more.
 */
class AsyncApiTest {

    static final String RESOURCE = "META-INF/resources/asyncapi.yaml";
    static final JsonNode DOC = load();
    private static final String SCHEMAS = "#/components/schemas/";

    static JsonNode load() {
        try (InputStream in = AsyncApiTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is not on the class path");
            // a key given twice would otherwise be read as its last value, hiding the first
            return YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readTree(in);
        } catch (IOException e) {
            throw new AssertionError(RESOURCE + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** The event types as the codec reads them: the subtypes registered on {@link CohortEvent}. */
    static List<Class<? extends CohortEvent>> eventTypes() {
        List<Class<? extends CohortEvent>> types = new ArrayList<>();
        for (JsonSubTypes.Type t : CohortEvent.class.getAnnotation(JsonSubTypes.class).value()) {
            types.add(t.value().asSubclass(CohortEvent.class));
        }
        return types;
    }

    /** Every record an event carries, directly or nested in another record, a list or a map. */
    static List<Class<?>> nestedRecords() {
        Set<Class<?>> found = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(eventTypes());
        while (!todo.isEmpty()) {
            for (RecordComponent c : todo.pop().getRecordComponents()) {
                for (Class<?> used : classesIn(c.getGenericType())) {
                    if (used.isRecord() && !CohortEvent.class.isAssignableFrom(used) && found.add(used)) {
                        todo.add(used);
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    static List<Class<?>> enums() {
        Set<Class<?>> found = new LinkedHashSet<>();
        Stream.concat(eventTypes().stream(), nestedRecords().stream())
                .flatMap(r -> Arrays.stream(r.getRecordComponents()))
                .flatMap(c -> classesIn(c.getGenericType()).stream())
                .filter(Class::isEnum)
                .forEach(found::add);
        return List.copyOf(found);
    }

    @Test
    void isAnAsyncApi3DocumentWhoseReferencesResolve() {
        assertTrue(DOC.path("asyncapi").asText().startsWith("3."), "asyncapi: " + DOC.path("asyncapi"));
        List<String> refs = new ArrayList<>();
        collectRefs(DOC, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), "only local references: " + ref);
            assertFalse(resolve(ref).isMissingNode(), "unresolved reference " + ref);
        }
    }

    @Test
    void theCodecsTypesAreTheSealedHierarchy() {
        Set<String> leaves = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(CohortEvent.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                leaves.add(c.getName());
            }
        }
        assertEquals(leaves, eventTypes().stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void everyTopicIsAChannel() throws IllegalAccessException {
        Map<String, JsonNode> byAddress = new LinkedHashMap<>();
        DOC.path("channels").fields().forEachRemaining(e -> byAddress.put(e.getValue().path("address").asText(), e.getValue()));
        int topics = 0;
        for (Field f : Topics.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class || f.getName().endsWith("_HEADER")) {
                continue;
            }
            String topic = (String) f.get(null);
            topics++;
            if (topic.endsWith(".")) {
                JsonNode channel = byAddress.get(topic + "{role}");
                assertNotNull(channel, "Topics." + f.getName() + ": no channel " + topic + "{role}; channels: " + byAddress.keySet());
                JsonNode parameter = deref(channel.path("parameters").path("role"));
                assertEquals(Arrays.stream(Role.values()).map(Role::id).toList(), texts(parameter.path("enum")),
                        "the roles of " + topic + "{role}");
            } else {
                assertNotNull(byAddress.get(topic), "Topics." + f.getName() + ": no channel with address " + topic
                        + "; channels: " + byAddress.keySet());
            }
        }
        assertEquals(topics, byAddress.size(), "channels that are no topic in Topics: " + byAddress.keySet());
    }

    @Test
    void theDeadLetterHeadersAreDescribed() throws IllegalAccessException {
        JsonNode headers = schema("DeadLetterHeaders").path("properties");
        for (Field f : Topics.class.getFields()) {
            if (f.getName().endsWith("_HEADER")) {
                String header = (String) f.get(null);
                assertTrue(headers.has(header), "Topics." + f.getName() + ": header " + header + " is not described");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void everyEventTypeIsAMessageOnOneChannelWithAProducerAndAConsumer(Class<? extends CohortEvent> type) {
        String name = CohortEvent.typeOf(type);
        String messageRef = "#/components/messages/" + messageId(name);
        JsonNode message = resolve(messageRef);
        assertFalse(message.isMissingNode(), name + ": no message " + messageRef);
        assertEquals(name, message.path("name").asText(), messageRef + " name");
        assertEquals(SCHEMAS + type.getSimpleName(), message.path("payload").path("$ref").asText(), name + " payload");
        assertFalse(message.path("bindings").path("kafka").path("key").isMissingNode(), name + ": no record key");

        List<String> channels = new ArrayList<>();
        DOC.path("channels").fields().forEachRemaining(c -> c.getValue().path("messages").fields().forEachRemaining(m -> {
            if (m.getValue().path("$ref").asText().equals(messageRef)) {
                channels.add(c.getKey() + "/messages/" + m.getKey());
            }
        }));
        assertEquals(1, channels.size(), name + " is on channels " + channels);
        Set<String> actions = new TreeSet<>();
        DOC.path("operations").forEach(op -> op.path("messages").forEach(m -> {
            if (m.path("$ref").asText().equals("#/channels/" + channels.get(0))) {
                actions.add(op.path("action").asText());
            }
        }));
        assertEquals(Set.of("receive", "send"), actions, name + ": operations that send and receive it");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void everyEventSchemaHasExactlyTheRecordsFields(Class<? extends CohortEvent> type) {
        JsonNode schema = schema(type.getSimpleName());
        assertEquals(CohortEvent.typeOf(type), schema.path("properties").path("type").path("const").asText(),
                type.getSimpleName() + ".type");
        assertFields(type, schema, Set.of("type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nestedRecords")
    void everyNestedRecordSchemaHasExactlyTheRecordsFields(Class<?> type) {
        assertFields(type, schema(type.getSimpleName()), Set.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("enums")
    void everyEnumSchemaListsTheValuesTheCodecWrites(Class<?> type) {
        List<String> written = Arrays.stream(type.getEnumConstants())
                .map(v -> EventCodec.mapper().convertValue(v, String.class)).toList();
        assertEquals(written, texts(schema(type.getSimpleName()).path("enum")), type.getSimpleName());
    }

    @Test
    void theSchemasDescribeNothingBeyondTheCode() {
        Set<String> expected = new TreeSet<>(Set.of("TaskKey", "SubtaskKey", "DeadLetterHeaders", "UnpublishableEvent"));
        Stream.of(eventTypes(), nestedRecords(), enums()).flatMap(List::stream).map(Class::getSimpleName).forEach(expected::add);
        Set<String> described = new TreeSet<>();
        DOC.path("components").path("schemas").fieldNames().forEachRemaining(described::add);
        assertEquals(expected, described);
        Set<String> messages = new TreeSet<>();
        DOC.path("components").path("messages").fieldNames().forEachRemaining(messages::add);
        Set<String> types = new TreeSet<>(Set.of("deadLetteredRecord", "unpublishableEvent"));
        eventTypes().forEach(t -> types.add(messageId(CohortEvent.typeOf(t))));
        assertEquals(types, messages);
    }

    /** What the codec writes, checked against the schemas field by field, at every depth. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.cohort.contracts.EventCodecTest#everyEventType")
    void everyFieldTheCodecWritesIsDescribed(CohortEvent event) throws IOException {
        JsonNode json = EventCodec.mapper().readTree(EventCodec.encode(event));
        assertDescribed(json, schema(event.getClass().getSimpleName()), event.type());
    }

    /** A field the document calls required is one a reader rejects a record without, and no other is. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.cohort.contracts.EventCodecTest#everyEventType")
    void theRequiredFieldsAreTheOnesAReaderRejectsARecordWithout(CohortEvent event) throws IOException {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(event));
        JsonNode schema = schema(event.getClass().getSimpleName());
        List<String> required = texts(schema.path("required"));
        for (Iterator<String> fields = json.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            ObjectNode without = json.deepCopy();
            without.remove(field);
            if (required.contains(field)) {
                assertThrows(InvalidEventException.class, () -> EventCodec.decode(without.toString()),
                        event.type() + " without '" + field + "' is read, yet the document requires it");
            } else {
                assertDoesNotThrow(() -> EventCodec.decode(without.toString()),
                        event.type() + " without '" + field + "' is rejected; the document should require it");
            }
        }
    }

    private static void assertFields(Class<?> type, JsonNode schema, Set<String> extra) {
        String name = type.getSimpleName();
        assertEquals("object", schema.path("type").asText(), name + " type");
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        schema.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue()));
        Set<String> components = new LinkedHashSet<>(extra);
        Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).forEach(components::add);

        Set<String> missing = new TreeSet<>(components);
        missing.removeAll(properties.keySet());
        assertTrue(missing.isEmpty(), name + ": fields missing from the document: " + missing);
        Set<String> unknown = new TreeSet<>(properties.keySet());
        unknown.removeAll(components);
        assertTrue(unknown.isEmpty(), name + ": the document names fields the record does not have: " + unknown);
        for (String r : texts(schema.path("required"))) {
            assertTrue(components.contains(r), name + ": required field " + r + " is not a field");
        }
        for (RecordComponent c : type.getRecordComponents()) {
            assertEquals(javaShape(c.getGenericType()), shape(properties.get(c.getName())), name + "." + c.getName());
        }
    }

    private static void assertDescribed(JsonNode value, JsonNode schema, String path) {
        JsonNode s = deref(nonNull(schema));
        if (value.isNull()) {
            return;
        }
        if (value.isObject()) {
            JsonNode properties = s.path("properties");
            JsonNode additional = s.path("additionalProperties");
            value.fields().forEachRemaining(e -> {
                String at = path + "." + e.getKey();
                if (properties.has(e.getKey())) {
                    assertDescribed(e.getValue(), properties.get(e.getKey()), at);
                } else {
                    assertTrue(additional.isObject(), at + " is written but not described");
                    assertDescribed(e.getValue(), additional, at);
                }
            });
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                assertDescribed(value.get(i), s.path("items"), path + "[" + i + "]");
            }
        } else if (s.has("enum")) {
            assertTrue(texts(s.path("enum")).contains(value.asText()), path + ": " + value + " is not in " + s.path("enum"));
        }
    }

    /** A schema in words: {@code string}, {@code integer}, {@code array of Role}, {@code map of Estimate}. */
    private static String shape(JsonNode schema) {
        JsonNode s = nonNull(schema);
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            return ref.startsWith(SCHEMAS) ? ref.substring(SCHEMAS.length()) : ref;
        }
        String type = typeName(s.path("type"));
        return switch (type) {
            case "array" -> "array of " + shape(s.path("items"));
            case "object" -> "map of " + shape(s.path("additionalProperties"));
            case "string" -> "date-time".equals(s.path("format").asText()) ? "date-time" : "string";
            default -> type;
        };
    }

    private static String javaShape(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return "array of " + javaShape(args[0]);
            }
            if (Map.class.isAssignableFrom(raw)) {
                return "map of " + javaShape(args[1]);
            }
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return "string";
        }
        if (c == Instant.class) {
            return "date-time";
        }
        if (c == int.class || c == long.class || c == Integer.class || c == Long.class) {
            return "integer";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == BigDecimal.class) {
            return "number";
        }
        if (c.isEnum() || c.isRecord()) {
            return c.getSimpleName();
        }
        throw new AssertionError("no JSON Schema shape for " + type + "; teach this test");
    }

    /** The schema without its null alternative: {@code oneOf: [X, {type: null}]} or {@code type: [t, 'null']}. */
    private static JsonNode nonNull(JsonNode schema) {
        if (schema.has("oneOf")) {
            List<JsonNode> options = new ArrayList<>();
            schema.get("oneOf").forEach(o -> {
                if (!"null".equals(o.path("type").asText())) {
                    options.add(o);
                }
            });
            assertEquals(1, options.size(), "a oneOf other than X-or-null: " + schema);
            return nonNull(options.get(0));
        }
        return schema;
    }

    private static String typeName(JsonNode type) {
        if (type.isArray()) {
            List<String> types = new ArrayList<>(texts(type));
            types.remove("null");
            assertEquals(1, types.size(), "a type other than t-or-null: " + type);
            return types.get(0);
        }
        return type.asText();
    }

    private static JsonNode schema(String name) {
        JsonNode schema = DOC.path("components").path("schemas").path(name);
        assertFalse(schema.isMissingNode(), "no schema components/schemas/" + name);
        return schema;
    }

    private static JsonNode deref(JsonNode node) {
        return node.has("$ref") ? resolve(node.get("$ref").asText()) : node;
    }

    private static JsonNode resolve(String ref) {
        JsonNode target = DOC.at(ref.substring(1).replace("~1", "/"));
        return target.has("$ref") ? resolve(target.get("$ref").asText()) : target;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    /** {@code task.awaiting-approval} is the message {@code taskAwaitingApproval}. */
    static String messageId(String type) {
        StringBuilder id = new StringBuilder();
        boolean upper = false;
        for (char ch : type.toCharArray()) {
            if (ch == '.' || ch == '-') {
                upper = true;
            } else {
                id.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return id.toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static List<Class<?>> classesIn(Type type) {
        if (type instanceof ParameterizedType p) {
            return Arrays.stream(p.getActualTypeArguments()).flatMap(a -> classesIn(a).stream()).collect(Collectors.toList());
        }
        return type instanceof Class<?> c ? List.of(c) : List.of();
    }
}
