package dev.cohort.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.PlanSchema;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a plan (the lead's, or a person's edit of it) in three steps, and reports every problem of a step at once,
 * in words the lead can act on:
 * <ol>
 * <li>the lead's JSON is read leniently ({@link #normalise}): small models add fields, leave out empty lists,
 * repeat keys and capitalise roles;</li>
 * <li>the plan's shape is checked against {@link PlanSchema}, the schema the lead's model is asked to answer in;</li>
 * <li>then what no schema says: unique, well-formed and unreserved ids, the size limits, roles within the task's team,
 * dependencies that exist, no cycle.</li>
 * </ol>
 */
public final class PlanValidator {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Ids the orchestrator gives its own subtasks. */
    static final Set<String> RESERVED_IDS = Set.of("plan", "summary");
    /** Limits that keep a plan storable and its dispatches publishable (docs/api.md). */
    public static final int MAX_TITLE = 300;
    public static final int MAX_INSTRUCTIONS = 20_000;
    public static final int MAX_KEY = 512;
    public static final int MAX_KEYS = 50;

    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(PlanSchema.JSON);
    /** Fields of a subtask that {@link #normalise} fills in when the lead left them out. */
    private static final Set<String> DEFAULTED = Set.of("instructions", "dependsOn", "reads", "writes");

    private PlanValidator() {
    }

    /** The outcome: the subtasks in plan order when {@code errors} is empty. */
    public record Result(List<PlannedSubtask> subtasks, List<String> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    public static Result validateJson(String json, List<Role> team, int maxSubtasks) {
        JsonNode root;
        try {
            root = json == null ? null : EventCodec.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return invalid("the plan is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("subtasks").isArray()) {
            return invalid("the plan must be a JSON object with a 'subtasks' array");
        }
        JsonNode plan = normalise(root);
        List<String> errors = shape(plan);
        if (!errors.isEmpty()) {
            return new Result(List.of(), errors);
        }
        List<PlannedSubtask> subtasks = new ArrayList<>();
        for (JsonNode node : plan.get("subtasks")) {
            subtasks.add(new PlannedSubtask(node.get("id").asText(), Role.fromId(node.get("role").asText()),
                    node.get("title").asText(), node.get("instructions").asText(), strings(node, "dependsOn"),
                    strings(node, "reads"), strings(node, "writes")));
        }
        return rules(subtasks, team, maxSubtasks);
    }

    public static Result validate(List<PlannedSubtask> subtasks, List<Role> team, int maxSubtasks) {
        List<String> errors = shape(EventCodec.mapper().valueToTree(Map.of("subtasks", subtasks)));
        return errors.isEmpty() ? rules(subtasks, team, maxSubtasks) : new Result(List.of(), errors);
    }

    /**
     * The plan as the schema has it, read leniently: only the schema's fields; texts stripped, blank ones left out;
     * a role in lower case; absent instructions empty and absent lists empty; list entries that are text, once each.
     * What cannot be read so (a subtask that is not an object, a missing id) is left for the schema to name.
     */
    static JsonNode normalise(JsonNode root) {
        ObjectNode plan = JsonNodeFactory.instance.objectNode();
        ArrayNode subtasks = plan.putArray("subtasks");
        for (JsonNode node : root.get("subtasks")) {
            if (!node.isObject()) {
                subtasks.add(node);
                continue;
            }
            ObjectNode subtask = subtasks.addObject();
            putText(subtask, "id", text(node, "id"));
            String role = text(node, "role");
            putText(subtask, "role", role == null ? null : role.toLowerCase(Locale.ROOT));
            putText(subtask, "title", text(node, "title"));
            String instructions = text(node, "instructions");
            subtask.put("instructions", instructions == null ? "" : instructions);
            for (String list : List.of("dependsOn", "reads", "writes")) {
                ArrayNode values = subtask.putArray(list);
                uniqueTexts(node, list).forEach(values::add);
            }
        }
        return plan;
    }

    /** The plan's shape against {@link PlanSchema}, one message per subtask and problem. */
    private static List<String> shape(JsonNode plan) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Map<String, JsonNode> required = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (Error error : SCHEMA.validate(plan)) {
            NodePath at = error.getInstanceLocation();
            String where = where(at);
            switch (error.getKeyword()) {
                case "required" -> {
                    missing.computeIfAbsent(where, w -> new ArrayList<>()).add(error.getProperty());
                    required.put(where, error.getSchemaNode());
                }
                case "enum" -> errors.add(where(at.getParent()) + " ('" + plan.at(pointer(at.getParent()) + "/id")
                        .asText() + "'): unknown " + name(at) + " '" + error.getInstanceNode().asText() + "'; known "
                        + name(at) + "s: " + String.join(", ", texts(error.getSchemaNode())));
                case "minItems" -> errors.add("the plan has no subtasks");
                default -> errors.add(where + ": " + error.getMessage());
            }
        }
        missing.forEach((where, fields) -> {
            List<String> needed = texts(required.get(where)).stream().filter(f -> !DEFAULTED.contains(f)).toList();
            errors.add(where + " needs " + quoted(needed) + "; it has no " + quoted(fields));
        });
        return errors;
    }

    /** What no schema says: ids, limits, the team, dependencies and cycles. */
    private static Result rules(List<PlannedSubtask> subtasks, List<Role> team, int maxSubtasks) {
        List<String> errors = new ArrayList<>();
        if (subtasks.size() > maxSubtasks) {
            errors.add("the plan has " + subtasks.size() + " subtasks; the limit is " + maxSubtasks);
        }
        Map<String, PlannedSubtask> byId = new LinkedHashMap<>();
        for (PlannedSubtask s : subtasks) {
            if (!ID.matcher(s.id()).matches()) {
                errors.add("id '" + s.id() + "' must be lower-case letters, digits, '-' or '_' (at most 64)");
            } else if (RESERVED_IDS.contains(s.id())) {
                errors.add("id '" + s.id() + "' is reserved; choose another");
            }
            if (byId.putIfAbsent(s.id(), s) != null) {
                errors.add("id '" + s.id() + "' is used by more than one subtask");
            }
            if (s.title().isBlank() || s.title().length() > MAX_TITLE) {
                errors.add("'" + s.id() + "': the title must have 1 to " + MAX_TITLE + " characters, has "
                        + s.title().length());
            }
            if (s.instructions() != null && s.instructions().length() > MAX_INSTRUCTIONS) {
                errors.add("'" + s.id() + "': the instructions have " + s.instructions().length()
                        + " characters; the limit is " + MAX_INSTRUCTIONS);
            }
            keys(errors, s.id(), "dependsOn", s.dependsOn());
            keys(errors, s.id(), "reads", s.reads());
            keys(errors, s.id(), "writes", s.writes());
            if (!team.isEmpty() && !team.contains(s.role())) {
                errors.add("'" + s.id() + "' is for role '" + s.role().id() + "', which is not in this task's team ("
                        + String.join(", ", team.stream().map(Role::id).toList()) + ")");
            }
        }
        for (PlannedSubtask s : subtasks) {
            for (String dep : s.dependsOn()) {
                if (dep.equals(s.id())) {
                    errors.add("'" + s.id() + "' depends on itself");
                } else if (!byId.containsKey(dep)) {
                    errors.add("'" + s.id() + "' depends on '" + dep + "', which is not in the plan");
                }
            }
        }
        if (errors.isEmpty()) {
            List<String> cycle = findCycle(byId);
            if (!cycle.isEmpty()) {
                errors.add("the dependencies form a cycle: " + String.join(" -> ", cycle));
            }
        }
        return errors.isEmpty() ? new Result(List.copyOf(subtasks), List.of()) : new Result(List.of(), errors);
    }

    private static void keys(List<String> errors, String id, String field, List<String> keys) {
        if (keys.size() > MAX_KEYS) {
            errors.add("'" + id + "': '" + field + "' has " + keys.size() + " entries; the limit is " + MAX_KEYS);
            return;
        }
        for (String key : keys) {
            if (key == null || key.isBlank() || key.length() > MAX_KEY || key.chars().anyMatch(Character::isISOControl)) {
                errors.add("'" + id + "': '" + field + "' entries must be 1 to " + MAX_KEY
                        + " characters without control characters");
                return;
            }
        }
    }

    /** A cycle as the ids along it, first id repeated at the end; empty when the graph is acyclic. */
    static List<String> findCycle(Map<String, PlannedSubtask> byId) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = finished
        for (String start : byId.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> cycle = visit(start, byId, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String id, Map<String, PlannedSubtask> byId, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            return cycle;
        }
        state.put(id, 1);
        path.add(id);
        for (String dep : byId.get(id).dependsOn()) {
            List<String> cycle = visit(dep, byId, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        return List.of();
    }

    private static Result invalid(String error) {
        return new Result(List.of(), List.of(error));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText().strip();
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Set<String> uniqueTexts(JsonNode node, String field) {
        Set<String> values = new LinkedHashSet<>();
        JsonNode array = node.get(field);
        if (array != null && array.isArray()) {
            array.forEach(v -> {
                if (v.isTextual() && !v.asText().isBlank()) {
                    values.add(v.asText().strip());
                }
            });
        }
        return values;
    }

    private static List<String> strings(JsonNode node, String field) {
        return texts(node.get(field));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    /** A place in the plan as the lead wrote it: {@code subtasks[2]}, {@code subtasks[2].role}; the plan itself. */
    private static String where(NodePath at) {
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < at.getNameCount(); i++) {
            Object element = at.getElement(i);
            where.append(element instanceof Integer index ? "[" + index + "]"
                    : (where.isEmpty() ? "" : ".") + element);
        }
        return where.isEmpty() ? "the plan" : where.toString();
    }

    private static String pointer(NodePath at) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < at.getNameCount(); i++) {
            pointer.append('/').append(at.getElement(i));
        }
        return pointer.toString();
    }

    /** The field's name at the end of a place. */
    private static String name(NodePath at) {
        return String.valueOf(at.getElement(at.getNameCount() - 1));
    }

    /** 'a', 'b' and 'c'. */
    private static String quoted(List<String> names) {
        List<String> quoted = names.stream().map(n -> "'" + n + "'").toList();
        return quoted.size() == 1 ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
    }
}
