package dev.cohort.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a plan (the lead's, or a person's edit of it) against the rules of
 * {@link dev.cohort.contracts.PlanSchema}: shape, unique ids, known roles within the task's team, existing
 * dependencies, no cycle, a bounded size. Reports every problem at once, in words the lead can act on.
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
        List<String> errors = new ArrayList<>();
        List<PlannedSubtask> subtasks = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("subtasks")) {
            String where = "subtasks[" + index++ + "]";
            String id = text(node, "id");
            String title = text(node, "title");
            String roleId = text(node, "role");
            if (id == null || title == null || roleId == null) {
                errors.add(where + " needs 'id', 'role' and 'title'");
                continue;
            }
            Role role;
            try {
                role = Role.fromId(roleId);
            } catch (IllegalArgumentException e) {
                errors.add(where + " ('" + id + "'): " + e.getMessage());
                continue;
            }
            subtasks.add(new PlannedSubtask(id, role, title, text(node, "instructions"), strings(node, "dependsOn"),
                    strings(node, "reads"), strings(node, "writes")));
        }
        if (!errors.isEmpty()) {
            return new Result(List.of(), errors);
        }
        return validate(subtasks, team, maxSubtasks);
    }

    public static Result validate(List<PlannedSubtask> subtasks, List<Role> team, int maxSubtasks) {
        List<String> errors = new ArrayList<>();
        if (subtasks.isEmpty()) {
            errors.add("the plan has no subtasks");
        }
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
            if (!team.isEmpty() && s.role() != Role.LEAD && !team.contains(s.role())) {
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

    private static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        JsonNode array = node.get(field);
        if (array != null && array.isArray()) {
            Set<String> seen = new HashSet<>();
            array.forEach(v -> {
                if (v.isTextual() && !v.asText().isBlank() && seen.add(v.asText().strip())) {
                    values.add(v.asText().strip());
                }
            });
        }
        return values;
    }
}
