package dev.cohort.simulator.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Plans of other shapes than the diamond, asked for with a {@code [plan: ...]} phrase in the task. */
class PlanShapeTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The orchestrator's plan rules (PlanValidator): ids, reserved ids, entries per list. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MAX_KEYS = 50;

    @Test
    void thePhraseIsReadAnywhereAndCaseInsensitively() {
        assertEquals(new PlanShape(PlanShape.Kind.CHAIN, 5), PlanShape.of("Build a todo API [plan: chain 5]"));
        assertEquals(new PlanShape(PlanShape.Kind.FAN_OUT, 8), PlanShape.of("[Plan: Fan-Out 8] a todo API"));
        assertEquals(new PlanShape(PlanShape.Kind.FAN_OUT, 100), PlanShape.of("x [plan:fanout 100] y"));
        assertEquals(new PlanShape(PlanShape.Kind.FAN_OUT, 3), PlanShape.of("x [plan: fan out 3]"));
        assertEquals(new PlanShape(PlanShape.Kind.CHAIN, 5), PlanShape.of("x [plan: chain]"), "a chain of 5 by default");
        assertEquals(new PlanShape(PlanShape.Kind.FAN_OUT, 8), PlanShape.of("x [plan: fan-out]"), "8 wide by default");
        assertEquals(PlanShape.DIAMOND, PlanShape.of("x [plan: diamond]"));
        assertEquals(PlanShape.DIAMOND, PlanShape.of("Build a todo API"));
        assertEquals(PlanShape.DIAMOND, PlanShape.of("x [plan: spiral 4]"), "an unknown shape is the default");
        assertEquals(new PlanShape(PlanShape.Kind.CHAIN, PlanShape.MAX_WIDTH), PlanShape.of("[plan: chain 99999]"));
        assertEquals(new PlanShape(PlanShape.Kind.CHAIN, 1), PlanShape.of("[plan: chain 0]"));
    }

    @Test
    void withoutAPhraseThePlanIsTheDiamond() throws Exception {
        List<PlannedSubtask> plain = plan("Task: Build a todo REST API");
        List<PlannedSubtask> diamond = plan("Task: Build a todo REST API [plan: diamond]");

        assertEquals(List.of("design", "backend", "frontend", "review", "test"), ids(plain));
        assertEquals(plain, diamond);
    }

    @Test
    void aChainIsEachSubtaskAfterTheOneBefore() throws Exception {
        List<PlannedSubtask> plan = plan("Task: Todo API #3\nBuild a todo REST API [plan: chain 5]");

        assertValid(plan);
        assertEquals(List.of("step-1", "step-2", "step-3", "step-4", "step-5"), ids(plan));
        assertEquals(List.of(), plan.get(0).dependsOn());
        for (int i = 1; i < plan.size(); i++) {
            assertEquals(List.of("step-" + i), plan.get(i).dependsOn());
            assertEquals(plan.get(i - 1).writes(), plan.get(i).reads(), "each step reads what the one before wrote");
        }
        assertEquals(List.of("steps/todo-step-1.md"), plan.get(0).writes(), "the subject ignores the phrase");
    }

    @Test
    void aFanOutIsDesignThenParallelPartsSpreadOverTheRolesThenOneReview() throws Exception {
        List<PlannedSubtask> plan = plan("Task: Todo API\nBuild a todo REST API [plan: fan-out 8]");

        assertValid(plan);
        assertEquals(10, plan.size());
        assertEquals("design", plan.get(0).id());
        assertEquals(Role.ARCHITECT, plan.get(0).role());
        List<PlannedSubtask> parts = plan.subList(1, 9);
        parts.forEach(p -> assertEquals(List.of("design"), p.dependsOn()));
        parts.forEach(p -> assertEquals(List.of("api/openapi.yaml"), p.reads()));
        assertEquals(List.of(Role.BACKEND, Role.FRONTEND, Role.TESTER, Role.RESEARCHER, Role.OPTIMIZER, Role.REVIEWER,
                Role.ARCHITECT, Role.BACKEND), parts.stream().map(PlannedSubtask::role).toList());
        PlannedSubtask review = plan.get(9);
        assertEquals("review", review.id());
        assertEquals(Role.REVIEWER, review.role());
        assertEquals(ids(parts), review.dependsOn());
        assertEquals(parts.stream().flatMap(p -> p.writes().stream()).toList(), review.reads());
    }

    @Test
    void aWideFanOutIsJoinedInGroupsWithinThePlanRules() throws Exception {
        List<PlannedSubtask> plan = plan("Task: Todo API\n[plan: fan-out 100]");

        assertValid(plan);
        assertEquals(1 + 100 + 2 + 1, plan.size());
        Map<String, PlannedSubtask> byId = byId(plan);
        assertEquals(50, byId.get("review-1").dependsOn().size());
        assertEquals(50, byId.get("review-2").dependsOn().size());
        assertEquals(List.of("review-1", "review-2"), byId.get("review").dependsOn());
        Map<Role, Long> perRole = plan.subList(1, 101).stream()
                .collect(Collectors.groupingBy(PlannedSubtask::role, Collectors.counting()));
        assertEquals(7, perRole.size(), "the parts are spread over seven roles");
        assertTrue(perRole.values().stream().allMatch(n -> n >= 14 && n <= 15), perRole.toString());
    }

    @Test
    void everyShapeAndWidthIsAValidPlan() throws Exception {
        for (String phrase : List.of("[plan: chain 1]", "[plan: chain 30]", "[plan: fan-out 1]", "[plan: fan-out 7]",
                "[plan: fan-out 50]", "[plan: fan-out 51]", "[plan: fan-out 500]", "[plan: chain 500]")) {
            List<PlannedSubtask> plan = plan("Task: Build a bookmark service " + phrase);
            assertValid(plan);
            assertTrue(plan.get(plan.size() - 1).writes().get(0).contains("bookmark"), phrase + ": " + plan);
        }
    }

    @Test
    void theTaskLineIsKeptForTheCallLog() {
        ChatPrompt withTask = ChatPrompt.parse("sim-lead", List.of(new ChatPrompt.Message("user",
                "Task: Todo API #17\nBuild a todo REST API [plan: chain 3]\n\nSubtask: Plan the work")), true);
        ChatPrompt without = ChatPrompt.parse("sim-lead", List.of(new ChatPrompt.Message("user", "hello")), true);

        assertEquals("Todo API #17", withTask.task());
        assertNull(without.task());
    }

    private static List<PlannedSubtask> plan(String user) throws Exception {
        ChatPrompt prompt = ChatPrompt.parse("sim-lead", List.of(
                new ChatPrompt.Message("system", "Cohort-Role: lead\nCohort-Subtask-Kind: plan\n\nPlan."),
                new ChatPrompt.Message("user", user)), true);
        String answer = ScriptedAnswers.answer(prompt, 0, null);
        return Arrays.asList(JSON.treeToValue(JSON.readTree(answer).get("subtasks"), PlannedSubtask[].class));
    }

    private static List<String> ids(List<PlannedSubtask> plan) {
        return plan.stream().map(PlannedSubtask::id).toList();
    }

    private static Map<String, PlannedSubtask> byId(List<PlannedSubtask> plan) {
        Map<String, PlannedSubtask> byId = new HashMap<>();
        plan.forEach(s -> byId.put(s.id(), s));
        return byId;
    }

    /**
     * The orchestrator's plan rules, and what the benchmarks rely on: ids well-formed, unique and not reserved,
     * titles within 300 characters, at most 50 entries per list, dependencies that exist and form no cycle, no lead
     * work, every subtask writing keys of its own and reading only what its dependencies wrote.
     */
    static void assertValid(List<PlannedSubtask> plan) {
        Map<String, PlannedSubtask> byId = byId(plan);
        assertEquals(plan.size(), byId.size(), "unique ids");
        Set<String> written = new HashSet<>();
        for (PlannedSubtask s : plan) {
            assertTrue(ID.matcher(s.id()).matches() && !Set.of("plan", "summary").contains(s.id()), s.id());
            assertTrue(!s.title().isBlank() && s.title().length() <= 300, s.title());
            assertTrue(s.role() != Role.LEAD, s.id() + " is for a worker role");
            for (List<String> list : List.of(s.dependsOn(), s.reads(), s.writes())) {
                assertTrue(list.size() <= MAX_KEYS, s.id() + ": " + list.size() + " entries");
            }
            assertTrue(!s.writes().isEmpty(), s.id() + " writes something");
            s.writes().forEach(key -> assertTrue(written.add(key), "'" + key + "' is written by one subtask only"));
            Set<String> upstream = new HashSet<>();
            for (String dep : s.dependsOn()) {
                assertTrue(byId.containsKey(dep) && !dep.equals(s.id()), s.id() + " depends on " + dep);
                upstream.addAll(byId.get(dep).writes());
            }
            if (!s.dependsOn().isEmpty()) {
                assertTrue(upstream.containsAll(s.reads()), s.id() + " reads only what its dependencies wrote");
            }
        }
        // acyclic: every subtask can be ordered after its dependencies
        List<String> ordered = new ArrayList<>();
        while (ordered.size() < plan.size()) {
            int before = ordered.size();
            for (PlannedSubtask s : plan) {
                if (!ordered.contains(s.id()) && ordered.containsAll(s.dependsOn())) {
                    ordered.add(s.id());
                }
            }
            assertTrue(ordered.size() > before, "the dependencies form a cycle");
        }
    }
}
