package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {

    static PlanValidator.Result check(String json) {
        return PlanValidator.validateJson(json, List.of(), 5);
    }

    static String errors(String json) {
        PlanValidator.Result result = check(json);
        assertTrue(!result.valid(), "expected errors for " + json);
        return String.join(" | ", result.errors());
    }

    @Test
    void aValidPlanKeepsItsOrderAndFields() {
        PlanValidator.Result r = check("""
                {"subtasks": [{"id": "api", "role": "backend", "title": "API", "instructions": "go", "dependsOn": [],
                               "writes": ["src/App.java"], "unknown": 1},
                              {"id": "ui", "role": "frontend", "title": "UI", "instructions": "go", "dependsOn": ["api"],
                               "reads": ["src/App.java", "src/App.java"]}]}""");
        assertTrue(r.valid(), r.errors().toString());
        assertEquals(List.of("api", "ui"), r.subtasks().stream().map(s -> s.id()).toList());
        assertEquals(List.of("src/App.java"), r.subtasks().get(1).reads());
    }

    @Test
    void theCycleIsNamed() {
        assertTrue(errors("""
                {"subtasks": [{"id": "a", "role": "backend", "title": "A", "dependsOn": ["c"]},
                              {"id": "b", "role": "backend", "title": "B", "dependsOn": ["a"]},
                              {"id": "c", "role": "backend", "title": "C", "dependsOn": ["b"]}]}""")
                .contains("cycle: a -> c -> b -> a"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String e = errors("""
                {"subtasks": [{"id": "a", "role": "backend", "title": "A", "dependsOn": ["x", "a"]},
                              {"id": "a", "role": "backend", "title": "A again", "dependsOn": []},
                              {"id": "Bad Id", "role": "backend", "title": "B", "dependsOn": []},
                              {"id": "summary", "role": "backend", "title": "S", "dependsOn": []}]}""");
        assertTrue(e.contains("'a' depends on 'x', which is not in the plan"), e);
        assertTrue(e.contains("'a' depends on itself"), e);
        assertTrue(e.contains("id 'a' is used by more than one subtask"), e);
        assertTrue(e.contains("id 'Bad Id' must be lower-case"), e);
        assertTrue(e.contains("id 'summary' is reserved"), e);
    }

    @Test
    void rolesMustBeKnownAndInTheTeam() {
        assertTrue(errors("{\"subtasks\": [{\"id\": \"a\", \"role\": \"juggler\", \"title\": \"A\"}]}")
                .contains("unknown role 'juggler'"));
        PlanValidator.Result r = PlanValidator.validateJson(
                "{\"subtasks\": [{\"id\": \"a\", \"role\": \"frontend\", \"title\": \"A\"}]}", List.of(Role.BACKEND), 5);
        assertTrue(r.errors().get(0).contains("not in this task's team (backend)"), r.errors().toString());
    }

    @Test
    void smallModelsPlansAreReadLeniently() {
        PlanValidator.Result r = check("""
                {"subtasks": [{"id": " api ", "role": "Backend", "title": "API", "dependsOn": null,
                               "reads": [1, "", " src/a.md ", "src/a.md"], "notes": "extra"}],
                 "rationale": "extra too"}""");
        assertTrue(r.valid(), r.errors().toString());
        assertEquals("api", r.subtasks().get(0).id());
        assertEquals(Role.BACKEND, r.subtasks().get(0).role());
        assertEquals("", r.subtasks().get(0).instructions());
        assertEquals(List.of("src/a.md"), r.subtasks().get(0).reads());
    }

    @Test
    void theShapeIsThePlanSchemas() {
        String missing = errors("{\"subtasks\": [{\"id\": \"a\", \"role\": \"backend\"}]}");
        assertEquals("subtasks[0] needs 'id', 'role' and 'title'; it has no 'title'", missing);
        // The schema gives work to the team, not to the lead.
        String lead = errors("{\"subtasks\": [{\"id\": \"a\", \"role\": \"lead\", \"title\": \"A\"}]}");
        assertTrue(lead.startsWith("subtasks[0] ('a'): unknown role 'lead'; known roles: architect, backend"), lead);
        String notAnObject = errors("{\"subtasks\": [\"do it all\"]}");
        assertTrue(notAnObject.startsWith("subtasks[0]: "), notAnObject);
        PlanValidator.Result edit = PlanValidator.validate(List.of(new PlannedSubtask("a", Role.LEAD, "A", null,
                List.of(), List.of(), List.of())), List.of(), 5);
        assertTrue(edit.errors().get(0).contains("unknown role 'lead'"), edit.errors().toString());
    }

    @Test
    void shapeSizeAndJsonAreChecked() {
        assertTrue(errors("not json").contains("not valid JSON"));
        assertTrue(errors("{\"tasks\": []}").contains("'subtasks' array"));
        assertTrue(errors("{\"subtasks\": []}").contains("no subtasks"));
        assertTrue(errors("{\"subtasks\": [{\"id\": \"a\"}]}").contains("needs 'id', 'role' and 'title'"));
        StringBuilder big = new StringBuilder("{\"subtasks\": [");
        for (int i = 0; i < 6; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\": \"s").append(i).append("\", \"role\": \"backend\", \"title\": \"t\"}");
        }
        assertTrue(errors(big.append("]}").toString()).contains("6 subtasks; the limit is 5"));
    }
}
