package dev.cohort.simulator.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tool loop as far as a chat request carries it: the tools offered, and each earlier assistant turn's tool calls
 * with the results sent back for them. The simulator keeps no state between calls; it reads the loop from here.
 *
 * @param offered the names of the tools the request offers, in order
 * @param turns   the earlier turns that called tools, oldest first
 */
public record ToolConversation(List<String> offered, List<Turn> turns) {

    public ToolConversation {
        offered = List.copyOf(offered);
        turns = List.copyOf(turns);
    }

    /**
     * One assistant message that called tools, and what came back.
     *
     * @param calls   the calls, in order
     * @param results the tool results that followed the message, in order
     */
    public record Turn(List<ToolCall> calls, List<ChatPrompt.Message> results) {

        public Turn {
            calls = List.copyOf(calls);
            results = List.copyOf(results);
        }

        /**
         * The result of the {@code index}th call: the one naming its id, else the one at the same position; empty
         * when none came back.
         */
        public Optional<String> result(int index) {
            String id = calls.get(index).id();
            if (id != null) {
                for (ChatPrompt.Message result : results) {
                    if (id.equals(result.toolCallId())) {
                        return Optional.of(content(result));
                    }
                }
            }
            return index < results.size() ? Optional.of(content(results.get(index))) : Optional.empty();
        }

        private static String content(ChatPrompt.Message message) {
            return message.content() == null ? "" : message.content();
        }
    }

    /** The loop in {@code messages}; {@code offered} are the request's tool names. */
    public static ToolConversation of(List<String> offered, List<ChatPrompt.Message> messages) {
        List<Turn> turns = new ArrayList<>();
        List<ToolCall> calls = null;
        List<ChatPrompt.Message> results = new ArrayList<>();
        for (ChatPrompt.Message message : messages) {
            if ("tool".equalsIgnoreCase(message.role())) {
                if (calls != null) {
                    results.add(message);
                }
                continue;
            }
            if (calls != null) {
                turns.add(new Turn(calls, results));
                calls = null;
                results = new ArrayList<>();
            }
            if ("assistant".equalsIgnoreCase(message.role()) && !message.toolCalls().isEmpty()) {
                calls = message.toolCalls();
            }
        }
        if (calls != null) {
            turns.add(new Turn(calls, results));
        }
        return new ToolConversation(offered, turns);
    }

    /** Whether the request offers any tool: then the simulator answers with tool calls. */
    public boolean offersTools() {
        return !offered.isEmpty();
    }

    public boolean offers(String tool) {
        return offered.contains(tool);
    }

    /** The result of the newest call of {@code tool}, if one came back. */
    public Optional<String> lastResultOf(String tool) {
        for (int t = turns.size() - 1; t >= 0; t--) {
            Turn turn = turns.get(t);
            for (int i = turn.calls().size() - 1; i >= 0; i--) {
                if (turn.calls().get(i).name().equals(tool)) {
                    Optional<String> result = turn.result(i);
                    if (result.isPresent()) {
                        return result;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether any earlier turn called {@code tool}. */
    public boolean called(String tool) {
        return turns.stream().anyMatch(turn -> turn.calls().stream().anyMatch(call -> call.name().equals(tool)));
    }
}
