package dev.cohort.simulator.script;

/**
 * One tool call of an assistant message, as both wire protocols carry it.
 *
 * @param id        the call's id (OpenAI's {@code tool_call_id} refers to it); null when the protocol sent none
 * @param name      the tool's name
 * @param arguments the arguments as JSON text; OpenAI sends them so, Ollama as an object. A faulty call's may not
 *                  be JSON at all
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        name = name == null ? "" : name;
        arguments = arguments == null ? "" : arguments;
    }
}
