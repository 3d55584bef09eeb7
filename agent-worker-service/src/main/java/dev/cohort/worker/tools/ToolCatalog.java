package dev.cohort.worker.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.worker.model.ToolSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools an agent is offered, with the JSON Schema of each one's arguments, and the check of a call's arguments
 * against it. {@code run} is offered only to a role that may run programs.
 */
public final class ToolCatalog {

    public static final String LIST = "list_artifacts";
    public static final String READ = "read_artifact";
    public static final String WRITE = "write_artifact";
    public static final String MESSAGE = "send_message";
    public static final String ASK = "ask";
    public static final String RUN = "run";
    public static final String FINISH = "finish";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** The kinds an agent may give what it writes; plans and summaries are the lead's, written by Cohort. */
    private static final String WRITABLE_KINDS = java.util.Arrays.stream(ArtifactKind.values())
            .filter(k -> k != ArtifactKind.PLAN && k != ArtifactKind.SUMMARY)
            .map(k -> "\"" + k.id() + "\"").collect(java.util.stream.Collectors.joining(", ", "[", "]"));

    private static final Map<String, ToolSpec> ALL = new LinkedHashMap<>();
    private static final Map<String, Schema> CHECKS = new LinkedHashMap<>();

    static {
        add(LIST, "List the task's artifacts (latest versions): key, version and kind of each.", """
                {"type": "object", "additionalProperties": false,
                 "properties": {"prefix": {"type": "string", "description": "Only keys starting with this"}}}
                """);
        add(READ, "Read an artifact: the latest version, or the one given. Your writes are checked against the "
                + "version you read last.", """
                {"type": "object", "additionalProperties": false, "required": ["key"],
                 "properties": {"key": {"type": "string", "minLength": 1},
                                "version": {"type": "integer", "minimum": 1}}}
                """);
        add(WRITE, "Write an artifact's whole new content. Only the keys your subtask writes may be written. If "
                + "another agent changed it since you read it, the result says so.", """
                {"type": "object", "additionalProperties": false, "required": ["key", "content"],
                 "properties": {"key": {"type": "string", "minLength": 1}, "content": {"type": "string"},
                                "kind": {"type": "string", "enum": KINDS}}}
                """.replace("KINDS", WRITABLE_KINDS));
        add(MESSAGE, "Send a message to a role (role:<role>), an agent (agent:<id>) or the whole team (team).", """
                {"type": "object", "additionalProperties": false, "required": ["to", "text"],
                 "properties": {"to": {"type": "string", "pattern": "^(team|role:[a-z]+|agent:.+)$"},
                                "text": {"type": "string", "minLength": 1},
                                "kind": {"type": "string", "enum": ["note", "question", "answer", "broadcast"]}}}
                """);
        add(ASK, "Ask another role a question and wait for its answer, which this tool returns.", """
                {"type": "object", "additionalProperties": false, "required": ["role", "question"],
                 "properties": {"role": {"type": "string", "enum": ["lead", "architect", "backend", "frontend",
                                                                     "reviewer", "tester", "researcher", "optimizer"]},
                                "question": {"type": "string", "minLength": 1}}}
                """);
        add(RUN, "Run a command on a copy of the task's artifacts in a sandbox (no network, time and output limits); "
                + "returns its exit code and output. Words and quotes only, no shell operators; files it writes are "
                + "discarded, so write results with write_artifact.", """
                {"type": "object", "additionalProperties": false, "required": ["command"],
                 "properties": {"command": {"type": "string", "minLength": 1, "maxLength": 2000}}}
                """);
        add(FINISH, "End your subtask with your summary; call it once, last.", """
                {"type": "object", "additionalProperties": false, "required": ["status", "key_points"],
                 "properties": {"status": {"type": "string", "minLength": 1},
                                "key_points": {"type": "array", "items": {"type": "string"}},
                                "recommendation": {"type": "string"}}}
                """);
    }

    private ToolCatalog() {
    }

    private static void add(String name, String description, String schema) {
        try {
            JsonNode parameters = JSON.readTree(schema);
            ALL.put(name, new ToolSpec(name, description, parameters));
            CHECKS.put(name, SCHEMAS.getSchema(parameters));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tools for a role: all of them, {@code run} only when it may run programs (named in the description). */
    public static List<ToolSpec> offered(List<String> programs) {
        List<ToolSpec> tools = new ArrayList<>();
        for (ToolSpec spec : ALL.values()) {
            if (spec.name().equals(RUN)) {
                if (programs.isEmpty()) {
                    continue;
                }
                spec = new ToolSpec(RUN, spec.description() + " Programs you may run: "
                        + String.join(", ", programs) + ".", spec.parameters());
            }
            tools.add(spec);
        }
        return tools;
    }

    /** Whether a tool of this name exists (offered or not). */
    public static boolean known(String name) {
        return ALL.containsKey(name);
    }

    /** What is wrong with the arguments of a call, one line per problem; empty when they fit the tool's schema. */
    public static List<String> problems(String tool, JsonNode arguments) {
        Schema schema = CHECKS.get(tool);
        if (schema == null) {
            return List.of("there is no tool " + tool);
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(arguments)) {
            // The field, where the message does not name it (enumerations, types): "$.kind: does not have ...".
            String where = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
            String message = error.getMessage();
            problems.add(where.isEmpty() || where.equals("$") || message.startsWith(where) ? message
                    : where + ": " + message);
        }
        return problems;
    }
}
