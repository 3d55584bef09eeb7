package dev.cohort.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tool loops over both wire protocols, streamed and not, and the tool faults set as answer styles. */
@QuarkusTest
class ToolsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOOLS = List.of("list_artifacts", "read_artifact", "write_artifact",
            "send_message", "ask", "run", "finish");
    private static final String BACKEND = """
            Task: Build a todo store and run its tests

            Subtask: Implement the Todo store
            Implement the store behind api/openapi.yaml.
            Reads: api/openapi.yaml
            Writes: src/todo-store.mjs, docs/store.md

            You work through tools: call them to read and write artifacts, and finish when you are done.
            """;
    private static final String TESTER = """
            Task: Build a todo store and run its tests

            Subtask: Test the Todo store
            Write tests for the store and run them with `node --test test/`.
            Reads: src/todo-store.mjs
            Writes: test/todo-store.test.mjs

            You work through tools.
            """;

    /** One tool call as a client reassembles it: its id, name and arguments text. */
    record Call(String id, String name, String arguments) {
        JsonNode json() {
            try {
                return JSON.readTree(arguments);
            } catch (Exception e) {
                throw new AssertionError("arguments are not JSON: " + arguments, e);
            }
        }
    }

    /** One answer: its tool calls, text, done reason and token usage, and the raw body. */
    record Answer(List<Call> calls, String text, String doneReason, long completionTokens, String body) {
        List<String> names() {
            return calls.stream().map(Call::name).toList();
        }
    }

    @BeforeEach
    @AfterEach
    void reset() {
        given().delete("/sim/calls").then().statusCode(204);
        for (String model : List.of("sim-backend", "sim-tester")) {
            given().delete("/sim/models/" + model).then().statusCode(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void aStreamedLoopListsReadsWritesAndFinishes(String protocol) {
        Conversation loop = new Conversation(protocol, "backend", BACKEND, TOOLS);

        List<Answer> answers = loop.run(true, ToolsApiTest::ok);

        assertEquals(List.of(List.of("list_artifacts"), List.of("read_artifact"),
                List.of("write_artifact", "write_artifact"), List.of("finish")),
                answers.stream().map(Answer::names).toList());
        assertEquals("", answers.get(0).calls().get(0).json().get("prefix").asText());
        assertEquals("api/openapi.yaml", answers.get(1).calls().get(0).json().get("key").asText());
        JsonNode store = answers.get(2).calls().get(0).json();
        assertEquals("src/todo-store.mjs", store.get("key").asText());
        assertTrue(store.get("content").asText().contains("export function createStore()"), store.toString());
        assertEquals("docs/store.md", answers.get(2).calls().get(1).json().get("key").asText());
        JsonNode finish = answers.get(3).calls().get(0).json();
        assertEquals("done", finish.get("status").asText());
        assertTrue(finish.get("key_points").isArray() && finish.has("recommendation"), finish.toString());
        for (Answer answer : answers) {
            assertEquals(protocol.equals("openai") ? "tool_calls" : "stop", answer.doneReason());
            assertTrue(answer.completionTokens() > 0, answer.body());
        }
        given().get("/sim/calls").then()
                .body("toolCalls", equalTo(List.of(List.of("list_artifacts"), List.of("read_artifact"),
                        List.of("write_artifact", "write_artifact"), List.of("finish"))))
                .body("outcome", equalTo(List.of("ok", "ok", "ok", "ok")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void anUnstreamedLoopIsTheSame(String protocol) {
        List<Answer> streamed = new Conversation(protocol, "backend", BACKEND, TOOLS).run(true, ToolsApiTest::ok);
        List<Answer> whole = new Conversation(protocol, "backend", BACKEND, TOOLS).run(false, ToolsApiTest::ok);

        assertEquals(streamed.stream().map(Answer::calls).toList(), whole.stream().map(Answer::calls).toList());
        assertEquals(streamed.stream().map(Answer::completionTokens).toList(),
                whole.stream().map(Answer::completionTokens).toList(), "the same usage");
    }

    @Test
    void ollamaSendsToolCallsWholeWithArgumentsAsAnObject() throws Exception {
        Conversation loop = new Conversation("ollama", "backend", BACKEND, TOOLS);
        String streamed = loop.post(true);
        String[] lines = streamed.split("\n");
        assertEquals(2, lines.length, streamed);
        JsonNode chunk = JSON.readTree(lines[0]);
        assertFalse(chunk.get("done").asBoolean());
        assertEquals("assistant", chunk.at("/message/role").asText());
        JsonNode call = chunk.at("/message/tool_calls/0/function");
        assertEquals("list_artifacts", call.get("name").asText());
        assertTrue(call.get("arguments").isObject(), call.toString());
        JsonNode done = JSON.readTree(lines[1]);
        assertTrue(done.get("done").asBoolean());
        assertEquals("stop", done.get("done_reason").asText());
        assertTrue(done.get("eval_count").asLong() > 0 && done.get("prompt_eval_count").asLong() > 0);

        JsonNode whole = JSON.readTree(loop.post(false));
        assertTrue(whole.get("done").asBoolean());
        assertTrue(whole.at("/message/tool_calls/0/function/arguments").isObject(), whole.toString());
    }

    @Test
    void openAiStreamsToolCallsAsDeltasAndAnswersThemWholeWithArgumentsAsText() throws Exception {
        Conversation loop = new Conversation("openai", "backend", BACKEND, TOOLS);
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(loop.turn(true, ToolsApiTest::ok));
        }
        String body = answers.get(2).body();
        assertTrue(body.startsWith(": "), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                chunks.add(JSON.readTree(line.substring("data: ".length())));
            }
        }
        JsonNode opening = chunks.get(0).at("/choices/0/delta");
        assertEquals("assistant", opening.get("role").asText());
        JsonNode first = opening.at("/tool_calls/0");
        assertEquals(0, first.get("index").asInt());
        assertEquals("function", first.get("type").asText());
        assertEquals("write_artifact", first.at("/function/name").asText());
        assertEquals("", first.at("/function/arguments").asText());
        assertNotNull(first.get("id").asText(null));
        long pieces = chunks.stream().filter(c -> c.at("/choices/0/delta/tool_calls/0/index").asInt(-1) == 0
                && !c.at("/choices/0/delta/tool_calls/0").has("id")).count();
        assertTrue(pieces > 2, "arguments in several pieces: " + pieces);
        assertTrue(chunks.stream().anyMatch(c -> c.at("/choices/0/delta/tool_calls/0/index").asInt() == 1
                && c.at("/choices/0/delta/tool_calls/0").has("id")), "the second call opens with index 1");
        assertTrue(body.contains("\"finish_reason\":\"tool_calls\""), body);
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertEquals(0, usage.get("choices").size());
        assertTrue(usage.at("/usage/completion_tokens").asLong() > 0);

        JsonNode whole = JSON.readTree(loop.post(false));
        assertEquals("tool_calls", whole.at("/choices/0/finish_reason").asText());
        JsonNode message = whole.at("/choices/0/message");
        assertTrue(message.get("content").isNull());
        JsonNode call = message.at("/tool_calls/0");
        assertEquals("function", call.get("type").asText());
        assertEquals("finish", call.at("/function/name").asText());
        assertTrue(call.at("/function/arguments").isTextual());
        assertEquals("done", JSON.readTree(call.at("/function/arguments").asText()).get("status").asText());
        assertTrue(whole.at("/usage/total_tokens").asLong() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void theTesterFinishesWithTheOutcomeOfItsRun(String protocol) {
        List<Answer> passed = new Conversation(protocol, "tester", TESTER, TOOLS).run(true, ToolsApiTest::ok);
        List<Answer> failed = new Conversation(protocol, "tester", TESTER, TOOLS).run(false, call ->
                call.name().equals("run") ? "exit 1\n--- stdout ---\nnot ok 5 - remove deletes the todo\n"
                        + "--- stderr ---\n" : ok(call));

        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "run", "finish"),
                passed.stream().map(a -> a.names().get(0)).toList());
        assertEquals("node --test test/", passed.get(3).calls().get(0).json().get("command").asText());
        assertEquals("tests passed", passed.get(4).calls().get(0).json().get("status").asText());
        assertEquals("tests failed", failed.get(4).calls().get(0).json().get("status").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void aBackendToldToAskTheArchitectAsksBeforeItWrites(String protocol) {
        String user = BACKEND.replace("Implement the store", "Ask the architect which port, then implement the store");

        List<Answer> answers = new Conversation(protocol, "backend", user, TOOLS).run(true, ToolsApiTest::ok);

        assertEquals(List.of("list_artifacts", "read_artifact", "ask", "write_artifact", "finish"),
                answers.stream().map(a -> a.names().get(0)).toList());
        JsonNode ask = answers.get(2).calls().get(0).json();
        assertEquals("architect", ask.get("role").asText());
        assertEquals("Which port does the API use?", ask.get("question").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void badArgumentsOnTheFirstWrite(String protocol) {
        style("sim-backend", "tool-bad-args");

        List<Answer> answers = new Conversation(protocol, "backend", BACKEND, TOOLS).run(true, ToolsApiTest::checked);

        Call bad = answers.get(2).calls().get(0);
        assertEquals("write_artifact", bad.name());
        if (protocol.equals("openai")) {
            assertThrows(Exception.class, () -> JSON.readTree(bad.arguments()), bad.arguments());
        } else {
            assertEquals("src/todo-store.mjs", bad.json().get("key").asText());
            assertFalse(bad.json().has("content"), bad.arguments());
        }
        assertTrue(answers.get(2).calls().get(1).json().has("content"), "only the first write is broken");
        assertEquals(List.of("write_artifact"), answers.get(3).names(), "the failed write again");
        assertTrue(answers.get(3).calls().get(0).json().has("content"));
        assertEquals(List.of("finish"), answers.get(4).names());
        given().get("/sim/calls").then().body("[2].style", equalTo("tool-bad-args"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void anUnknownToolFirstThenTheLoop(String protocol) {
        style("sim-backend", "tool-unknown");

        List<Answer> answers = new Conversation(protocol, "backend", BACKEND, TOOLS).run(true,
                call -> TOOLS.contains(call.name()) ? ok(call) : "error: unknown tool " + call.name());

        assertEquals(List.of("delete_workspace", "list_artifacts", "read_artifact", "write_artifact", "finish"),
                answers.stream().map(a -> a.names().get(0)).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void noFinishListsForever(String protocol) {
        style("sim-backend", "tool-no-finish");

        List<Answer> answers = new Conversation(protocol, "backend", BACKEND, TOOLS).run(true, ToolsApiTest::ok);

        assertEquals(Conversation.MAX_TURNS, answers.size());
        assertTrue(answers.stream().allMatch(a -> a.names().equals(List.of("list_artifacts"))));
    }

    @Test
    void splitArgumentsArriveOneOrTwoCharactersAtATime() throws Exception {
        style("sim-backend", "tool-split");
        Conversation loop = new Conversation("openai", "backend", BACKEND, TOOLS);
        loop.turn(true, ToolsApiTest::ok);
        loop.turn(true, ToolsApiTest::ok);

        Answer writes = loop.turn(true, ToolsApiTest::ok);

        List<Integer> sizes = new ArrayList<>();
        for (String line : writes.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode call = JSON.readTree(line.substring(6)).at("/choices/0/delta/tool_calls/0");
                if (!call.isMissingNode() && !call.has("id")) {
                    sizes.add(call.at("/function/arguments").asText().length());
                }
            }
        }
        assertTrue(sizes.size() > 100, sizes.toString());
        assertTrue(sizes.stream().allMatch(n -> n == 1 || n == 2), sizes.toString());
        assertTrue(writes.calls().get(0).json().get("content").asText().contains("createStore"));

        List<Answer> ollama = new Conversation("ollama", "backend", BACKEND, TOOLS).run(true, ToolsApiTest::ok);
        assertEquals(List.of("finish"), ollama.get(ollama.size() - 1).names(), "Ollama sends tool calls whole");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void proseIgnoresTheTools(String protocol) {
        style("sim-backend", "tool-prose");

        Answer answer = new Conversation(protocol, "backend", BACKEND, TOOLS).turn(true, ToolsApiTest::ok);

        assertTrue(answer.calls().isEmpty());
        assertTrue(answer.text().contains("```javascript path=src/todo-store.mjs\n"), answer.text());
        assertTrue(answer.text().contains("```summary"), answer.text());
        assertEquals("stop", answer.doneReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void toolStylesLeaveCallsWithoutToolsClean(String protocol) {
        style("sim-backend", "tool-bad-args");

        Answer answer = new Conversation(protocol, "backend", BACKEND, List.of()).turn(true, ToolsApiTest::ok);

        assertTrue(answer.calls().isEmpty());
        assertTrue(answer.text().contains("path=src/todo-store.mjs"), answer.text());
        given().get("/sim/calls").then().body("[0].style", equalTo(null)).body("[0].toolCalls", equalTo(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void brokenFirstWritesTheBrokenStoreUntilAFixRound(String protocol) {
        style("sim-backend", "broken-first");

        List<Answer> first = new Conversation(protocol, "backend", BACKEND, TOOLS).run(true, ToolsApiTest::ok);
        List<Answer> fix = new Conversation(protocol, "backend", BACKEND.replace("Implement the store",
                "Fix the failing tests: remove() keeps the item. Implement the store"), TOOLS).run(true, ToolsApiTest::ok);

        assertFalse(first.get(2).calls().get(0).json().get("content").asText().contains("items.delete(id)"));
        assertTrue(fix.get(2).calls().get(0).json().get("content").asText().contains("items.delete(id)"));
    }

    @Test
    void theOpenApiDocumentNamesTheToolStyles() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.schemas.ModelSettings.properties.style.enum", hasItem("tool-no-finish"))
                .body("components.schemas.Message.properties.role.enum", hasItem("tool"));
    }

    private static String ok(Call call) {
        return switch (call.name()) {
            case "write_artifact" -> "wrote " + call.json().path("key").asText() + " version 1";
            case "read_artifact" -> call.json().path("key").asText() + " v1 by architect\nopenapi: 3.0.3\n";
            case "run" -> "exit 0\n--- stdout ---\n# pass 6\n--- stderr ---\n";
            case "ask" -> "Port 8080.";
            case "finish" -> "finished";
            default -> "[{\"key\":\"api/openapi.yaml\",\"version\":1,\"kind\":\"file\",\"author\":\"architect\"}]";
        };
    }

    /** Like the worker: arguments that are not JSON, or lack a required field, are an error result. */
    private static String checked(Call call) {
        if (call.name().equals("write_artifact")) {
            try {
                JsonNode arguments = JSON.readTree(call.arguments());
                if (!arguments.has("content")) {
                    return "invalid arguments: content is required";
                }
            } catch (Exception e) {
                return "invalid arguments: not JSON";
            }
        }
        return ok(call);
    }

    private static void style(String model, String style) {
        given().contentType(ContentType.JSON).body("{\"style\": \"" + style + "\"}").put("/sim/models/" + model)
                .then().statusCode(200).body("style", equalTo(style));
    }

    /** A client's side of a tool loop on one protocol: the messages so far, sent back each turn as that protocol does. */
    static final class Conversation {
        static final int MAX_TURNS = 10;

        private final boolean ollama;
        private final String model;
        private final ArrayNode messages = JSON.createArrayNode();
        private final ArrayNode tools = JSON.createArrayNode();

        Conversation(String protocol, String role, String user, List<String> toolNames) {
            this.ollama = protocol.equals("ollama");
            this.model = "sim-" + role;
            messages.addObject().put("role", "system")
                    .put("content", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: work\n\nYou are on a team.");
            messages.addObject().put("role", "user").put("content", user);
            for (String name : toolNames) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", name).put("description", "The " + name + " tool.");
                function.putObject("parameters").put("type", "object").putObject("properties");
            }
        }

        /** Turns until {@code finish} or an answer without tool calls, at most {@value #MAX_TURNS}. */
        List<Answer> run(boolean stream, Function<Call, String> results) {
            List<Answer> answers = new ArrayList<>();
            while (answers.size() < MAX_TURNS) {
                Answer answer = turn(stream, results);
                answers.add(answer);
                if (answer.calls().isEmpty() || answer.names().contains("finish")) {
                    break;
                }
            }
            return answers;
        }

        /** One call; its tool calls and their results join the conversation. */
        Answer turn(boolean stream, Function<Call, String> results) {
            Answer answer = read(post(stream), stream);
            if (!answer.calls().isEmpty()) {
                ObjectNode assistant = messages.addObject().put("role", "assistant");
                ArrayNode calls = assistant.putArray("tool_calls");
                if (ollama) {
                    assistant.put("content", "");
                } else {
                    assistant.putNull("content");
                }
                for (Call call : answer.calls()) {
                    ObjectNode node = calls.addObject();
                    if (!ollama) {
                        node.put("id", call.id()).put("type", "function");
                    }
                    ObjectNode function = node.putObject("function").put("name", call.name());
                    if (ollama) {
                        function.set("arguments", call.json());
                    } else {
                        function.put("arguments", call.arguments());
                    }
                }
                for (Call call : answer.calls()) {
                    ObjectNode result = messages.addObject().put("role", "tool").put("content", results.apply(call));
                    if (ollama) {
                        result.put("tool_name", call.name());
                    } else {
                        result.put("tool_call_id", call.id());
                    }
                }
            }
            return answer;
        }

        String post(boolean stream) {
            ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", stream);
            body.set("messages", messages);
            body.set("tools", tools);
            if (!ollama) {
                body.put("tool_choice", "auto");
            }
            return given().contentType(ContentType.JSON).body(body.toString())
                    .post(ollama ? "/api/chat" : "/v1/chat/completions").then().statusCode(200).extract().asString();
        }

        private Answer read(String body, boolean stream) {
            try {
                return ollama ? readOllama(body) : stream ? readSse(body) : readOpenAi(body);
            } catch (Exception e) {
                throw new AssertionError("unreadable answer: " + body, e);
            }
        }

        private static Answer readOllama(String body) throws Exception {
            List<Call> calls = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            String doneReason = null;
            long tokens = -1;
            for (String line : body.split("\n")) {
                JsonNode chunk = JSON.readTree(line);
                text.append(chunk.at("/message/content").asText(""));
                for (JsonNode call : chunk.at("/message/tool_calls")) {
                    JsonNode arguments = call.at("/function/arguments");
                    calls.add(new Call(null, call.at("/function/name").asText(),
                            arguments.isTextual() ? arguments.asText() : arguments.toString()));
                }
                if (chunk.path("done").asBoolean()) {
                    doneReason = chunk.path("done_reason").asText();
                    tokens = chunk.path("eval_count").asLong();
                }
            }
            return new Answer(calls, text.toString(), doneReason, tokens, body);
        }

        private static Answer readSse(String body) throws Exception {
            List<String> ids = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<StringBuilder> arguments = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            String doneReason = null;
            long tokens = -1;
            for (String line : body.split("\n")) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
                for (JsonNode choice : chunk.path("choices")) {
                    text.append(choice.path("delta").path("content").asText(""));
                    for (JsonNode call : choice.path("delta").path("tool_calls")) {
                        int index = call.get("index").asInt();
                        if (call.has("id")) {
                            assertEquals(ids.size(), index, "calls open in order");
                            ids.add(call.get("id").asText());
                            names.add(call.at("/function/name").asText());
                            arguments.add(new StringBuilder());
                        }
                        arguments.get(index).append(call.at("/function/arguments").asText(""));
                    }
                    if (choice.hasNonNull("finish_reason")) {
                        doneReason = choice.get("finish_reason").asText();
                    }
                }
                if (chunk.has("usage")) {
                    tokens = chunk.at("/usage/completion_tokens").asLong();
                }
            }
            List<Call> calls = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                calls.add(new Call(ids.get(i), names.get(i), arguments.get(i).toString()));
            }
            return new Answer(calls, text.toString(), doneReason, tokens, body);
        }

        private static Answer readOpenAi(String body) throws Exception {
            JsonNode root = JSON.readTree(body);
            JsonNode message = root.at("/choices/0/message");
            List<Call> calls = new ArrayList<>();
            for (JsonNode call : message.path("tool_calls")) {
                calls.add(new Call(call.get("id").asText(), call.at("/function/name").asText(),
                        call.at("/function/arguments").asText()));
            }
            return new Answer(calls, message.path("content").asText(""), root.at("/choices/0/finish_reason").asText(),
                    root.at("/usage/completion_tokens").asLong(), body);
        }
    }
}
