package dev.cohort.simulator.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.simulator.service.AnswerStyle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verified plan, and its Node store and tests: they pass against the store and fail against the broken one. */
class NodeStoreTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Path NODE = Path.of("/usr/bin/node");

    private static ChatPrompt prompt(String role, String kind, String user) {
        return ChatPrompt.parse("sim-" + role, List.of(
                new ChatPrompt.Message("system", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: " + kind),
                new ChatPrompt.Message("user", user)), false);
    }

    @Test
    void aTaskThatRunsItsTestsGetsTheVerifiedPlan() throws Exception {
        for (String task : List.of("Task: Build a todo store and run its tests", "Task: A verified todo store")) {
            JsonNode subtasks = JSON.readTree(ScriptedAnswers.answer(prompt("lead", "plan", task), 0, null))
                    .get("subtasks");

            assertEquals(3, subtasks.size(), task);
            assertEquals(List.of("design", "backend", "test"), subtasks.findValuesAsText("id"));
            assertEquals(List.of("architect", "backend", "tester"), subtasks.findValuesAsText("role"));
            JsonNode backend = subtasks.get(1);
            assertEquals("Implement the Todo store", backend.get("title").asText());
            assertEquals("[\"design\"]", backend.get("dependsOn").toString());
            assertEquals("[\"api/openapi.yaml\"]", backend.get("reads").toString());
            assertEquals("[\"src/todo-store.mjs\"]", backend.get("writes").toString());
            JsonNode test = subtasks.get(2);
            assertEquals("[\"backend\"]", test.get("dependsOn").toString());
            assertEquals("[\"src/todo-store.mjs\"]", test.get("reads").toString());
            assertEquals("[\"test/todo-store.test.mjs\"]", test.get("writes").toString());
            assertTrue(test.get("instructions").asText()
                    .contains("Write tests for the store and run them with `node --test test/`"));
            assertEquals("[\"api/openapi.yaml\",\"docs/design.md\"]", subtasks.get(0).get("writes").toString());
        }
    }

    @Test
    void aPlanPhraseWinsOverTheVerifiedPlan() throws Exception {
        JsonNode subtasks = JSON.readTree(ScriptedAnswers.answer(
                prompt("lead", "plan", "Task: Build a todo store and run its tests [plan: diamond]"), 0, null))
                .get("subtasks");

        assertEquals(5, subtasks.size());
    }

    @Test
    void theTestsPassAgainstTheStoreAndFailAgainstTheBrokenOne(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(NODE), "needs node at " + NODE);
        ChatPrompt backend = prompt("backend", "work", "Task: Build a todo store and run its tests\n"
                + "Writes: src/todo-store.mjs");
        ChatPrompt tester = prompt("tester", "work", "Task: Build a todo store and run its tests\n"
                + "Writes: test/todo-store.test.mjs");
        write(dir, "test/todo-store.test.mjs", FileContents.of("test/todo-store.test.mjs", tester));

        write(dir, "src/todo-store.mjs", FileContents.of("src/todo-store.mjs", backend));
        assertEquals(0, nodeTest(dir), "the tests pass against the store");

        write(dir, "src/todo-store.mjs", FileContents.of("src/todo-store.mjs", backend, true));
        assertNotEquals(0, nodeTest(dir), "the tests fail against the broken store");
    }

    @Test
    void brokenFirstBreaksTheStoreOfTheMarkdownAnswerToo() {
        String user = "Task: Build a todo store and run its tests\nWrites: src/todo-store.mjs";
        String broken = ScriptedAnswers.answer(prompt("backend", "work", user), 0, null, AnswerStyle.BROKEN_FIRST, null);
        String fixed = ScriptedAnswers.answer(prompt("backend", "work", user + "\nFix the failing tests: remove()."), 0,
                null, AnswerStyle.BROKEN_FIRST, null);
        String clean = ScriptedAnswers.answer(prompt("backend", "work", user), 0, null);

        assertTrue(clean.contains("```javascript path=src/todo-store.mjs\n"), clean);
        assertTrue(clean.contains("return items.delete(id);"), clean);
        assertTrue(fixed.contains("return items.delete(id);"), fixed);
        assertTrue(!broken.contains("items.delete(id)") && broken.contains("remove(id) {\n      return true;"), broken);
    }

    private static void write(Path dir, String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static int nodeTest(Path dir) throws Exception {
        Process process = new ProcessBuilder(NODE.toString(), "--test", "test/").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "node --test finished");
        assertTrue(output.contains("# tests 6"), output);
        return process.exitValue();
    }
}
