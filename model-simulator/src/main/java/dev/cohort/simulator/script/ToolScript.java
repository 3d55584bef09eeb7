package dev.cohort.simulator.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.service.AnswerStyle;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's tool loop: which tools a role calls on its next turn, a deterministic function of the prompt and
 * of the loop so far. The script is {@code list_artifacts}, then {@code read_artifact} for each key the subtask
 * reads, the backend's {@code ask} of the architect when the task says "ask the architect", {@code write_artifact}
 * for each key it writes (the contents of the Markdown answers), the tester's {@code run} of
 * {@code node --test test/} when {@code run} is offered, and {@code finish}. A write that fails is redone on the
 * next turn, after reading the artifact again when it was a conflict. The {@code tool-*} answer styles bend it.
 */
public final class ToolScript {

    public static final String LIST = "list_artifacts";
    public static final String READ = "read_artifact";
    public static final String WRITE = "write_artifact";
    public static final String ASK = "ask";
    public static final String RUN = "run";
    public static final String FINISH = "finish";
    /** The tool {@code tool-unknown} calls first; never offered. */
    public static final String UNKNOWN = "delete_workspace";
    /** What the tester runs. */
    public static final String TEST_COMMAND = "node --test test/";
    /** What the backend asks the architect. */
    public static final String QUESTION = "Which port does the API use?";
    /** How many turns of a loop may redo failed writes. */
    static final int MAX_REDOS = 3;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EXIT = Pattern.compile("(?m)^\\s*exit\\s+(-?\\d+)");

    private ToolScript() {
    }

    /** One step of the script: the calls of one turn. */
    private enum Step { UNKNOWN, LIST, READ, ASK, WRITE, RUN, FINISH }

    /**
     * The tool calls of the next turn.
     *
     * @param style         the call's style ({@link AnswerStyle#forCall(String, long, boolean)})
     * @param textArguments whether the protocol carries arguments as JSON text (OpenAI) rather than as an object
     *                      (Ollama): what {@code tool-bad-args} breaks differs
     */
    public static List<ToolCall> next(ChatPrompt prompt, ToolConversation conversation, AnswerStyle style,
                                      boolean textArguments) {
        int turn = conversation.turns().size() + 1;
        if (style == AnswerStyle.TOOL_NO_FINISH) {
            return List.of(call(turn, 0, LIST, arguments("prefix", "")));
        }
        List<Step> steps = steps(prompt, conversation, style);
        // Replay the loop so far: which step each earlier turn was, and which writes are still to be redone.
        int step = 0;
        int redos = 0;
        List<String> reread = List.of();
        List<String> rewrite = List.of();
        for (ToolConversation.Turn past : conversation.turns()) {
            if (!reread.isEmpty()) {
                rewrite = reread;
                reread = List.of();
                continue;
            }
            if (rewrite.isEmpty()) {
                step++;
            }
            rewrite = List.of();
            Failed failed = failedWrites(past);
            if (!failed.keys().isEmpty() && redos < MAX_REDOS) {
                redos++;
                if (failed.conflict()) {
                    reread = failed.keys();
                } else {
                    rewrite = failed.keys();
                }
            }
        }
        if (!reread.isEmpty()) {
            return reads(turn, reread);
        }
        if (!rewrite.isEmpty()) {
            return writes(turn, prompt, conversation, style, textArguments, rewrite);
        }
        Step current = steps.get(Math.min(step, steps.size() - 1));
        return switch (current) {
            case UNKNOWN -> List.of(call(turn, 0, UNKNOWN, JSON.createObjectNode().put("confirm", true)));
            case LIST -> List.of(call(turn, 0, LIST, arguments("prefix", "")));
            case READ -> reads(turn, prompt.reads());
            case ASK -> List.of(call(turn, 0, ASK, arguments("role", "architect").put("question", QUESTION)));
            case WRITE -> writes(turn, prompt, conversation, style, textArguments, prompt.writes());
            case RUN -> List.of(call(turn, 0, RUN, arguments("command", TEST_COMMAND)));
            case FINISH -> List.of(call(turn, 0, FINISH, finish(prompt, conversation, steps.contains(Step.RUN))));
        };
    }

    private static List<Step> steps(ChatPrompt prompt, ToolConversation conversation, AnswerStyle style) {
        List<Step> steps = new ArrayList<>();
        if (style == AnswerStyle.TOOL_UNKNOWN) {
            steps.add(Step.UNKNOWN);
        }
        steps.add(Step.LIST);
        if (!prompt.reads().isEmpty()) {
            steps.add(Step.READ);
        }
        if (prompt.role().equals("backend") && conversation.offers(ASK)
                && prompt.userText().toLowerCase(Locale.ROOT).contains("ask the architect")) {
            steps.add(Step.ASK);
        }
        if (!prompt.writes().isEmpty()) {
            steps.add(Step.WRITE);
        }
        // A tester runs what it can run here: the Node tests it writes (not, say, a Java test that needs a build).
        if (prompt.role().equals("tester") && conversation.offers(RUN)
                && prompt.writes().stream().anyMatch(NodeStore::isTest)) {
            steps.add(Step.RUN);
        }
        steps.add(Step.FINISH);
        return steps;
    }

    private static List<ToolCall> reads(int turn, List<String> keys) {
        List<ToolCall> calls = new ArrayList<>();
        for (String key : keys) {
            calls.add(call(turn, calls.size(), READ, arguments("key", key)));
        }
        return calls;
    }

    /** A write per key; under {@code tool-bad-args} the loop's first write has broken arguments. */
    private static List<ToolCall> writes(int turn, ChatPrompt prompt, ToolConversation conversation,
                                         AnswerStyle style, boolean textArguments, List<String> keys) {
        boolean broken = NodeStore.broken(style, prompt);
        boolean badFirst = style == AnswerStyle.TOOL_BAD_ARGS && !conversation.called(WRITE);
        List<ToolCall> calls = new ArrayList<>();
        for (String key : keys) {
            ObjectNode arguments = arguments("key", key).put("content", FileContents.of(key, prompt, broken));
            if (badFirst && calls.isEmpty()) {
                String text = textArguments ? unterminated(write(arguments)) : write(arguments("key", key));
                calls.add(new ToolCall(id(turn, 0), WRITE, text));
            } else {
                calls.add(call(turn, calls.size(), WRITE, arguments));
            }
        }
        return calls;
    }

    /** JSON text cut off in the middle of a string, as a model that lost track of its quoting writes it. */
    private static String unterminated(String json) {
        return json.substring(0, Math.max(json.indexOf(',') + 1, json.length() / 2));
    }

    private static ObjectNode finish(ChatPrompt prompt, ToolConversation conversation, boolean ran) {
        List<String> points = new ArrayList<>();
        String status = "done";
        String recommendation = ScriptedAnswers.recommendation(prompt);
        if (!prompt.writes().isEmpty()) {
            points.add("Wrote " + String.join(", ", prompt.writes()));
        } else if (!prompt.reads().isEmpty()) {
            points.add("Read " + String.join(", ", prompt.reads()));
        }
        points.add(ScriptedAnswers.rolePoint(prompt));
        if (ran) {
            Optional<Integer> exit = conversation.lastResultOf(RUN).flatMap(ToolScript::exitCode);
            boolean passed = exit.isPresent() && exit.get() == 0;
            status = passed ? "tests passed" : "tests failed";
            points.add(TEST_COMMAND + (exit.isPresent() ? " exited " + exit.get() : " did not run"));
            if (!passed) {
                recommendation = "Fix the store so that the failing tests pass, then run them again.";
            }
        }
        if (conversation.called(ASK)) {
            points.add("Asked the architect which port the API uses");
        }
        ObjectNode arguments = JSON.createObjectNode().put("status", status);
        ArrayNode keyPoints = arguments.putArray("key_points");
        points.forEach(keyPoints::add);
        return arguments.put("recommendation", recommendation);
    }

    /** The code on a {@code run} result's {@code exit N} line. */
    static Optional<Integer> exitCode(String result) {
        Matcher matcher = EXIT.matcher(result);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    /** The writes of a turn that did not succeed, by key; a conflict among them means reading again first. */
    private record Failed(List<String> keys, boolean conflict) {
    }

    private static Failed failedWrites(ToolConversation.Turn turn) {
        List<String> keys = new ArrayList<>();
        boolean conflict = false;
        for (int i = 0; i < turn.calls().size(); i++) {
            ToolCall call = turn.calls().get(i);
            Optional<String> result = turn.result(i);
            if (!call.name().equals(WRITE) || result.isEmpty() || result.get().strip().startsWith("wrote ")) {
                continue;
            }
            Matcher key = KEY.matcher(call.arguments());
            if (key.find() && !keys.contains(key.group(1))) {
                keys.add(key.group(1));
                conflict |= result.get().strip().toLowerCase(Locale.ROOT).startsWith("conflict");
            }
        }
        return new Failed(keys, conflict);
    }

    private static ToolCall call(int turn, int index, String name, ObjectNode arguments) {
        return new ToolCall(id(turn, index), name, write(arguments));
    }

    /** Unique within a loop: the turn and the call's place in it. */
    private static String id(int turn, int index) {
        return "call_" + turn + "_" + (index + 1);
    }

    private static ObjectNode arguments(String name, String value) {
        return JSON.createObjectNode().put(name, value);
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
