package dev.cohort.worker.model;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation with a model: {@code system}, {@code user}, {@code assistant} (with the tools it
 * called, if any) or {@code tool} (a tool's result, naming the call it answers).
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, String toolName) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null, null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** The model's turn that called tools, sent back with the next request as both providers require. */
    public static ChatMessage assistant(String content, List<ToolCall> calls) {
        return new ChatMessage("assistant", content, calls, null, null);
    }

    /** A tool's result for one call. */
    public static ChatMessage toolResult(ToolCall call, String content) {
        return new ChatMessage("tool", content, List.of(), call.id(), call.name());
    }
}
