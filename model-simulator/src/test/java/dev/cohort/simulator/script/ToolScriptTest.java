package dev.cohort.simulator.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.simulator.service.AnswerStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The scripted tool loop: each turn's calls, read from the conversation so far. */
class ToolScriptTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> TOOLS = List.of("list_artifacts", "read_artifact", "write_artifact",
            "send_message", "ask", "run", "finish");
    private static final String BACKEND = """
            Task: Build a todo store and run its tests

            Subtask: Implement the Todo store
            Implement the store.
            Reads: api/openapi.yaml, docs/design.md
            Writes: src/todo-store.mjs

            You work through tools. Call finish when you are done.
            """;
    private static final String TESTER = """
            Task: Build a todo store and run its tests

            Subtask: Test the Todo store
            Write tests for the store and run them with `node --test test/`.
            Reads: src/todo-store.mjs
            Writes: test/todo-store.test.mjs

            You work through tools.
            """;

    /** A loop driven to its end: each turn's calls, answered by {@code results}. */
    private static List<List<ToolCall>> loop(String role, String user, AnswerStyle style, boolean textArguments,
                                             List<String> tools, Function<ToolCall, String> results) {
        List<ChatPrompt.Message> messages = new ArrayList<>();
        messages.add(new ChatPrompt.Message("system", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: work"));
        messages.add(new ChatPrompt.Message("user", user));
        List<List<ToolCall>> turns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ChatPrompt prompt = ChatPrompt.parse("sim-" + role, messages, false);
            List<ToolCall> calls = ToolScript.next(prompt, ToolConversation.of(tools, messages), style, textArguments);
            turns.add(calls);
            if (calls.get(0).name().equals("finish")) {
                break;
            }
            messages.add(new ChatPrompt.Message("assistant", "", calls, null, null));
            for (ToolCall call : calls) {
                messages.add(new ChatPrompt.Message("tool", results.apply(call), List.of(), call.id(), call.name()));
            }
        }
        return turns;
    }

    private static String ok(ToolCall call) {
        return switch (call.name()) {
            case "write_artifact" -> "wrote " + arguments(call).path("key").asText() + " version 1";
            case "run" -> "exit 0\n--- stdout ---\n# pass 6\n--- stderr ---\n";
            case "ask" -> "Port 8080.";
            default -> "[]";
        };
    }

    private static JsonNode arguments(ToolCall call) {
        try {
            return JSON.readTree(call.arguments());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + call.arguments(), e);
        }
    }

    private static List<String> names(List<ToolCall> calls) {
        return calls.stream().map(ToolCall::name).toList();
    }

    private static ChatPrompt prompt(String role, String user) {
        return ChatPrompt.parse("sim-" + role, List.of(
                new ChatPrompt.Message("system", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: work"),
                new ChatPrompt.Message("user", user)), false);
    }

    @Test
    void listThenReadEachThenWriteEachThenFinish() {
        List<List<ToolCall>> turns = loop("backend", BACKEND, AnswerStyle.CLEAN, true, TOOLS, ToolScriptTest::ok);

        assertEquals(List.of(List.of("list_artifacts"), List.of("read_artifact", "read_artifact"),
                List.of("write_artifact"), List.of("finish")), turns.stream().map(ToolScriptTest::names).toList());
        assertEquals("", arguments(turns.get(0).get(0)).get("prefix").asText());
        assertEquals(List.of("api/openapi.yaml", "docs/design.md"),
                turns.get(1).stream().map(c -> arguments(c).get("key").asText()).toList());
        JsonNode write = arguments(turns.get(2).get(0));
        assertEquals("src/todo-store.mjs", write.get("key").asText());
        assertEquals(FileContents.of("src/todo-store.mjs", prompt("backend", BACKEND)), write.get("content").asText());
        JsonNode finish = arguments(turns.get(3).get(0));
        assertEquals("done", finish.get("status").asText());
        assertTrue(finish.get("key_points").get(0).asText().contains("src/todo-store.mjs"), finish.toString());
        assertTrue(finish.has("recommendation"));
        assertEquals(List.of("call_2_1", "call_2_2"), turns.get(1).stream().map(ToolCall::id).toList(),
                "ids unique within the loop");
    }

    @Test
    void theLoopIsDeterministic() {
        assertEquals(loop("backend", BACKEND, AnswerStyle.CLEAN, true, TOOLS, ToolScriptTest::ok),
                loop("backend", BACKEND, AnswerStyle.CLEAN, true, TOOLS, ToolScriptTest::ok));
    }

    @Test
    void aBackendToldToAskTheArchitectAsksBeforeWriting() {
        String user = BACKEND.replace("Implement the store.", "Implement the store; ask the architect first.");

        List<List<ToolCall>> turns = loop("backend", user, AnswerStyle.CLEAN, false, TOOLS, ToolScriptTest::ok);

        assertEquals(List.of("list_artifacts", "read_artifact", "ask", "write_artifact", "finish"),
                turns.stream().map(t -> t.get(0).name()).toList());
        JsonNode ask = arguments(turns.get(2).get(0));
        assertEquals("architect", ask.get("role").asText());
        assertEquals("Which port does the API use?", ask.get("question").asText());
        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "finish"),
                loop("frontend", user, AnswerStyle.CLEAN, false, TOOLS, ToolScriptTest::ok).stream()
                        .map(t -> t.get(0).name()).toList(), "only the backend asks");
    }

    @Test
    void theTesterRunsTheTestsAndFinishesWithTheirOutcome() {
        List<List<ToolCall>> passed = loop("tester", TESTER, AnswerStyle.CLEAN, true, TOOLS, ToolScriptTest::ok);
        List<List<ToolCall>> failed = loop("tester", TESTER, AnswerStyle.CLEAN, true, TOOLS,
                call -> call.name().equals("run") ? "exit 1\n--- stdout ---\nnot ok 5 - remove\n--- stderr ---\n"
                        : ok(call));
        List<List<ToolCall>> noRun = loop("tester", TESTER, AnswerStyle.CLEAN, true,
                TOOLS.stream().filter(t -> !t.equals("run")).toList(), ToolScriptTest::ok);

        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "run", "finish"),
                passed.stream().map(t -> t.get(0).name()).toList());
        assertEquals("node --test test/", arguments(passed.get(3).get(0)).get("command").asText());
        assertEquals("tests passed", arguments(passed.get(4).get(0)).get("status").asText());
        assertEquals("tests failed", arguments(failed.get(4).get(0)).get("status").asText());
        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "finish"),
                noRun.stream().map(t -> t.get(0).name()).toList(), "no run when it is not offered");
        assertEquals("done", arguments(noRun.get(3).get(0)).get("status").asText());
    }

    @Test
    void theTestFileIsWrittenAsTheMarkdownAnswerWouldHaveIt() {
        List<List<ToolCall>> turns = loop("tester", TESTER, AnswerStyle.CLEAN, true, TOOLS, ToolScriptTest::ok);

        String content = arguments(turns.get(2).get(0)).get("content").asText();
        assertTrue(content.contains("import { createStore } from '../src/todo-store.mjs';"), content);
        assertTrue(ScriptedAnswers.work(prompt("tester", TESTER)).contains(content));
    }

    @Test
    void anUnknownToolFirstThenTheLoopAsUsual() {
        List<List<ToolCall>> turns = loop("backend", BACKEND, AnswerStyle.TOOL_UNKNOWN, true, TOOLS,
                call -> call.name().equals("delete_workspace") ? "error: unknown tool delete_workspace" : ok(call));

        assertEquals(List.of("delete_workspace", "list_artifacts", "read_artifact", "write_artifact", "finish"),
                turns.stream().map(t -> t.get(0).name()).toList());
    }

    @Test
    void noFinishListsForever() {
        List<List<ToolCall>> turns = loop("backend", BACKEND, AnswerStyle.TOOL_NO_FINISH, true, TOOLS,
                ToolScriptTest::ok);

        assertEquals(12, turns.size());
        assertTrue(turns.stream().allMatch(t -> names(t).equals(List.of("list_artifacts"))));
    }

    @Test
    void badArgumentsOnTheFirstWriteThenTheWriteAgain() {
        String twoWrites = BACKEND.replace("Writes: src/todo-store.mjs", "Writes: src/todo-store.mjs, docs/store.md");
        Function<ToolCall, String> results = call -> {
            if (call.name().equals("write_artifact")) {
                try {
                    JsonNode node = JSON.readTree(call.arguments());
                    if (!node.has("content")) {
                        return "invalid arguments: content is required";
                    }
                } catch (Exception e) {
                    return "invalid arguments: not JSON";
                }
            }
            return ok(call);
        };

        List<List<ToolCall>> openai = loop("backend", twoWrites, AnswerStyle.TOOL_BAD_ARGS, true, TOOLS, results);
        List<List<ToolCall>> ollama = loop("backend", twoWrites, AnswerStyle.TOOL_BAD_ARGS, false, TOOLS, results);

        assertThrows(Exception.class, () -> JSON.readTree(openai.get(2).get(0).arguments()));
        assertEquals(List.of("key"), iterable(arguments(ollama.get(2).get(0))));
        assertTrue(arguments(openai.get(2).get(1)).has("content"), "only the first write is broken");
        for (List<List<ToolCall>> turns : List.of(openai, ollama)) {
            assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "write_artifact", "finish"),
                    turns.stream().map(t -> t.get(0).name()).toList());
            assertEquals(1, turns.get(3).size(), "only the failed write again");
            assertEquals("src/todo-store.mjs", arguments(turns.get(3).get(0)).get("key").asText());
            assertTrue(arguments(turns.get(3).get(0)).has("content"));
        }
    }

    @Test
    void aConflictIsReadAgainThenWrittenAgain() {
        boolean[] conflicted = {false};
        List<List<ToolCall>> turns = loop("backend", BACKEND, AnswerStyle.CLEAN, true, TOOLS, call -> {
            if (call.name().equals("write_artifact") && !conflicted[0]) {
                conflicted[0] = true;
                return "conflict: src/todo-store.mjs changed since you read it (now version 2)";
            }
            return ok(call);
        });

        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "read_artifact", "write_artifact",
                "finish"), turns.stream().map(t -> t.get(0).name()).toList());
        assertEquals("src/todo-store.mjs", arguments(turns.get(3).get(0)).get("key").asText());
    }

    @Test
    void writesThatKeepFailingAreGivenUpAfterAFewTries() {
        List<List<ToolCall>> turns = loop("backend", BACKEND, AnswerStyle.CLEAN, true, TOOLS,
                call -> call.name().equals("write_artifact") ? "error: the store is down" : ok(call));

        assertEquals("finish", turns.get(turns.size() - 1).get(0).name());
        assertEquals(1 + ToolScript.MAX_REDOS, turns.stream().filter(t -> t.get(0).name().equals("write_artifact")).count());
    }

    @Test
    void theBrokenFirstStoreIsBrokenUntilAFixRound() {
        String broken = arguments(loop("backend", BACKEND, AnswerStyle.BROKEN_FIRST, true, TOOLS, ToolScriptTest::ok)
                .get(2).get(0)).get("content").asText();
        String fixed = arguments(loop("backend", BACKEND.replace("Implement the store.",
                        "Fix the failing tests: remove() does not remove."), AnswerStyle.BROKEN_FIRST, true, TOOLS,
                ToolScriptTest::ok).get(2).get(0)).get("content").asText();

        assertFalse(broken.contains("items.delete(id)"), broken);
        assertTrue(fixed.contains("items.delete(id)"), fixed);
    }

    @Test
    void theExitCodeIsReadFromTheRunResult() {
        assertEquals(0, ToolScript.exitCode("exit 0\n--- stdout ---\n").orElseThrow());
        assertEquals(1, ToolScript.exitCode("exit 1\n--- stdout ---\nexit 0\n").orElseThrow());
        assertTrue(ToolScript.exitCode("denied: rm is not allowed").isEmpty());
    }

    @Test
    void toolStylesApplyToToolLoopsAndTheOthersToAnswersWithoutTools() {
        assertEquals(AnswerStyle.TOOL_SPLIT, AnswerStyle.TOOL_SPLIT.forCall("work", 0, true));
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.TOOL_SPLIT.forCall("work", 0, false));
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.TOOL_SPLIT.forCall("plan", 0, true), "a plan is JSON, not tools");
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.CUT.forCall("work", 0, true));
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.SLOPPY.forCall("work", 1, true));
        assertEquals(AnswerStyle.BROKEN_FIRST, AnswerStyle.BROKEN_FIRST.forCall("work", 0, true));
        assertEquals(AnswerStyle.BROKEN_FIRST, AnswerStyle.BROKEN_FIRST.forCall("work", 0, false));
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.BROKEN_FIRST.forCall("plan", 0, false));
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
