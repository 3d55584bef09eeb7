package dev.cohort.simulator.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.simulator.service.FaultAction;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The simulator's scripted answers: plans and work answers in the formats the worker relies on. */
class ScriptedAnswersTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static ChatPrompt prompt(String role, String kind, String user) {
        return ChatPrompt.parse("sim-" + role, List.of(
                new ChatPrompt.Message("system", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: " + kind + "\n\nBe good."),
                new ChatPrompt.Message("user", user)), false);
    }

    @Test
    void thePlanIsDesignThenBackendAndFrontendThenReviewAndTest() throws Exception {
        List<PlannedSubtask> plan = plan(ScriptedAnswers.answer(prompt("lead", "plan", "Task: Build a todo REST API"), 0, null));

        assertEquals(List.of("design", "backend", "frontend", "review", "test"), plan.stream().map(PlannedSubtask::id).toList());
        assertEquals(List.of(Role.ARCHITECT, Role.BACKEND, Role.FRONTEND, Role.REVIEWER, Role.TESTER),
                plan.stream().map(PlannedSubtask::role).toList());
        assertEquals(List.of(), plan.get(0).dependsOn());
        assertEquals(List.of("design"), plan.get(1).dependsOn());
        assertEquals(List.of("design"), plan.get(2).dependsOn());
        assertEquals(List.of("backend", "frontend"), plan.get(3).dependsOn());
        assertEquals(List.of("backend", "frontend"), plan.get(4).dependsOn());
        assertTrue(plan.get(0).writes().contains("api/openapi.yaml"));
        assertTrue(plan.get(1).writes().contains("src/main/java/todo/TodoResource.java"));
    }

    @Test
    void thePlanIsDeterministicAndFollowsTheTask() {
        String first = ScriptedAnswers.answer(prompt("lead", "plan", "Task: Build a todo REST API"), 0, null);
        String again = ScriptedAnswers.answer(prompt("lead", "plan", "Task: Build a todo REST API"), 0, null);
        String other = ScriptedAnswers.answer(prompt("lead", "plan", "Task: Create a bookmark service"), 0, null);

        assertEquals(first, again);
        assertTrue(other.contains("src/main/java/bookmark/BookmarkResource.java"), other);
    }

    @Test
    void aCyclicPlanHasACycle() throws Exception {
        List<PlannedSubtask> plan = plan(ScriptedAnswers.answer(prompt("lead", "plan", "Task: todo"), 0,
                FaultAction.CYCLIC_PLAN));

        Map<String, List<String>> deps = new HashMap<>();
        plan.forEach(s -> deps.put(s.id(), s.dependsOn()));
        assertTrue(deps.get("design").contains("test"));
        assertTrue(deps.get("test").contains("backend") && deps.get("backend").contains("design"));
    }

    @Test
    void anInvalidPlanIsJsonButBreaksThePlanRules() throws Exception {
        String answer = ScriptedAnswers.answer(prompt("lead", "plan", "Task: todo"), 0, FaultAction.INVALID_PLAN);

        JsonNode subtasks = JSON.readTree(answer).get("subtasks");
        assertEquals("wizard", subtasks.get(0).get("role").asText());
        assertEquals(subtasks.get(0).get("id"), subtasks.get(1).get("id"), "duplicate ids");
        assertThrows(Exception.class, () -> plan(answer), "an unknown role does not parse");
    }

    @Test
    void notJsonIsProse() {
        String answer = ScriptedAnswers.answer(prompt("lead", "plan", "Task: todo"), 0, FaultAction.NOT_JSON);

        assertThrows(Exception.class, () -> JSON.readTree(answer).get("subtasks").size());
    }

    @Test
    void aWorkAnswerHasFencedFilesWithPathsAndASummary() throws Exception {
        String answer = ScriptedAnswers.answer(prompt("backend", "work",
                "Task: Build a todo REST API\nWrites: src/main/java/todo/TodoResource.java, src/main/java/todo/Todo.java"),
                0, null);

        assertEquals(List.of("src/main/java/todo/TodoResource.java", "src/main/java/todo/Todo.java"), paths(answer));
        assertTrue(answer.contains("```java path=src/main/java/todo/TodoResource.java\npackage todo;"));
        assertEquals("done", summary(answer).status());
        assertTrue(answer.endsWith("```\n"), "the summary block closes the answer");
    }

    @Test
    void eachRoleWritesItsOwnKindOfFile() {
        assertEquals(List.of("api/openapi.yaml", "docs/design.md"), paths(answer("architect")));
        assertEquals(List.of("web/todo.html", "web/todo.js"), paths(answer("frontend")));
        assertEquals(List.of("reviews/todo-review.md"), paths(answer("reviewer")));
        assertEquals(List.of("src/test/java/todo/TodoResourceTest.java"), paths(answer("tester")));
    }

    @Test
    void answersArePaddedToTheConfiguredLength() throws Exception {
        String shortAnswer = ScriptedAnswers.answer(prompt("backend", "work", "Task: todo"), 0, null);
        String longAnswer = ScriptedAnswers.answer(prompt("backend", "work", "Task: todo"), 2000, null);

        assertTrue(Tokens.split(longAnswer).size() >= 2000);
        assertTrue(Tokens.split(shortAnswer).size() < 2000);
        assertEquals("done", summary(longAnswer).status(), "padding goes before the summary block");
    }

    @Test
    void aMergeKeepsWhatEitherSideAdded() {
        String user = """
                Merge these versions.
                ```java path=src/Todo.java
                base line
                ```
                ```java path=src/Todo.java
                base line
                ours line
                ```
                ```java path=src/Todo.java
                base line
                theirs line
                ```
                """;
        String answer = ScriptedAnswers.answer(prompt("lead", "merge", user), 0, null);

        assertEquals(List.of("src/Todo.java"), paths(answer));
        assertTrue(answer.contains("base line\nours line\ntheirs line\n"), answer);
    }

    @Test
    void aTaskThatAsksForAReadmeHasBackendAndFrontendWriteItAtOnce() throws Exception {
        List<PlannedSubtask> plan = plan(ScriptedAnswers.answer(
                prompt("lead", "plan", "Task: Build a todo REST API with a web front end and a README"), 0, null));

        PlannedSubtask backend = plan.get(1);
        PlannedSubtask frontend = plan.get(2);
        assertTrue(backend.writes().contains("README.md"), backend.writes().toString());
        assertTrue(frontend.writes().contains("README.md"), frontend.writes().toString());
        assertEquals(List.of("design"), frontend.dependsOn(), "not ordered after the backend: they run at once");
        assertTrue(plan.get(3).reads().contains("README.md"), "the reviewer reads the merged README");

        String user = "Task: Build a todo REST API\nWrite: README.md";
        String fromBackend = ScriptedAnswers.answer(prompt("backend", "work", user), 0, null);
        String fromFrontend = ScriptedAnswers.answer(prompt("frontend", "work", user), 0, null);
        assertTrue(fromBackend.contains("## Running the API"), fromBackend);
        assertTrue(fromFrontend.contains("## The page"), fromFrontend);
        assertTrue(!fromBackend.contains("## The page") && !fromFrontend.contains("## Running the API"),
                "each side writes its own section, so a merge has two changes to keep");
    }

    @Test
    void aPlanWithoutReadmeLeavesItOut() throws Exception {
        List<PlannedSubtask> plan = plan(ScriptedAnswers.answer(prompt("lead", "plan", "Task: Build a todo REST API"), 0, null));

        assertTrue(plan.stream().noneMatch(s -> s.writes().contains("README.md")));
    }

    @Test
    void aMergeReadsVersionsQuotedWithLongerFencesAndLabels() {
        String user = """
                Merge these three versions of README.md.

                The base both writers started from (version 0):
                ``` path=README.md
                ```

                The current version (version 1):
                ```` path=README.md
                # Todo
                ```bash
                run it
                ```
                ````

                The conflicting write by frontend:
                ``` path=README.md
                # Todo
                ## The page
                ```
                """;
        String answer = ScriptedAnswers.answer(prompt("lead", "merge", user), 0, null);

        assertTrue(answer.contains("# Todo\n```bash\nrun it\n```\n## The page\n"), answer);
    }

    @Test
    void aTaskThatSaysSoHasTheFrontendAskTheArchitectAQuestion() {
        String user = "Task: Build a todo REST API; the page should ask the architect which port the API uses";
        String frontend = ScriptedAnswers.answer(prompt("frontend", "work", user), 0, null);
        String backend = ScriptedAnswers.answer(prompt("backend", "work", user), 0, null);

        assertTrue(frontend.contains("```messages\n[{\"to\":{\"type\":\"role\",\"id\":\"architect\"},\"kind\":\"question\","
                + "\"text\":\"Which port does the todo API listen on?\"}]\n```"), frontend);
        assertTrue(!backend.contains("```messages"), "only the frontend asks: " + backend);
        assertTrue(!answer("frontend").contains("```messages"), "and only when the task says so");
    }

    @Test
    void theRoleComesFromTheModelNameWithoutHeaders() {
        ChatPrompt bare = ChatPrompt.parse("sim-frontend:latest", List.of(new ChatPrompt.Message("user", "hello")), false);

        assertEquals("frontend", bare.role());
        assertEquals("work", bare.kind());
        assertEquals("plan", ChatPrompt.parse("anything", List.of(new ChatPrompt.Message("user", "x")), true).kind());
    }

    @Test
    void tokensJoinBackToTheText() {
        String text = "  Hello,\n  world!  \n";
        assertEquals(text, String.join("", Tokens.split(text)));
        assertEquals(List.of("  Hello,", "\n  world!  \n"), Tokens.split(text));
    }

    private static String answer(String role) {
        return ScriptedAnswers.answer(prompt(role, "work", "Task: Build a todo REST API"), 0, null);
    }

    private static List<PlannedSubtask> plan(String answer) throws Exception {
        return Arrays.asList(JSON.treeToValue(JSON.readTree(answer).get("subtasks"), PlannedSubtask[].class));
    }

    static List<String> paths(String answer) {
        Matcher matcher = Pattern.compile("(?m)^```\\w+ path=(\\S+)$").matcher(answer);
        List<String> paths = new java.util.ArrayList<>();
        while (matcher.find()) {
            paths.add(matcher.group(1));
        }
        return paths;
    }

    static StructuredSummary summary(String answer) throws Exception {
        Matcher matcher = Pattern.compile("(?s)```summary\\n(.*?)\\n```").matcher(answer);
        assertTrue(matcher.find(), "a summary block");
        return JSON.readValue(matcher.group(1), StructuredSummary.class);
    }
}
