package dev.cohort.simulator.script;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulator reads from a chat request: the role and subtask kind (from the {@code Cohort-Role} and
 * {@code Cohort-Subtask-Kind} lines of the system message, else from a model name like {@code sim-backend}), the
 * task's subject, the artifact paths the subtask reads and writes, and any files quoted in the prompt.
 */
public record ChatPrompt(String model, String role, String kind, boolean jsonRequested, String subject,
                         String userText, List<String> writes, Map<String, List<String>> quotedFiles,
                         long promptTokens) {

    /**
     * One message of the conversation.
     *
     * @param toolCalls  the tools an assistant message called (empty for any other message)
     * @param toolCallId for a tool result, the id of the call it answers (OpenAI), or null
     * @param toolName   for a tool result, the name of the tool that gave it (Ollama), or null
     */
    public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId, String toolName) {

        public Message {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        /** A message without tool calls. */
        public Message(String role, String content) {
            this(role, content, List.of(), null, null);
        }
    }

    public static final String ROLE_HEADER = "Cohort-Role:";
    public static final String KIND_HEADER = "Cohort-Subtask-Kind:";

    private static final Pattern TASK_LINE = Pattern.compile("(?im)^\\s*task\\s*:\\s*(.+?)\\s*$");
    private static final Pattern WRITES = Pattern.compile("(?im)^\\s*[-*]?\\s*writes?\\s*:\\s*(.+)$");
    private static final Pattern READS = Pattern.compile("(?im)^\\s*[-*]?\\s*reads?\\s*:\\s*(.+)$");
    private static final Pattern SUBJECT = Pattern.compile("(?im)^\\s*(?:#+\\s*)?(?:task(?:\\s+title)?|title)\\s*:\\s*(.+)$");
    // A fence of three or more backticks, closed by the same run: quoted content may hold shorter fences itself.
    private static final Pattern FENCE = Pattern.compile("(?ms)^(`{3,})[^\\n]*?path=(\\S+)[^\\n]*\\n(.*?)^\\1\\s*$");
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "build", "create", "make", "write",
            "implement", "add", "develop", "design", "simple", "small", "tiny", "basic", "new", "my", "our", "with",
            "for", "and", "of", "to", "in", "on", "rest", "api", "apis", "http", "web", "app", "application",
            "service", "services", "project", "task", "title", "description", "please", "crud", "full", "stack",
            "backend", "frontend", "that", "which", "using", "use", "java", "quarkus", "page", "site", "tool",
            "system", "module", "feature", "minimal", "let", "lets", "we", "you", "need", "want", "should", "verified");

    public static ChatPrompt parse(String model, List<Message> messages, boolean jsonRequested) {
        StringBuilder system = new StringBuilder();
        StringBuilder user = new StringBuilder();
        StringBuilder all = new StringBuilder();
        for (Message message : messages) {
            String content = message.content() == null ? "" : message.content();
            all.append(content).append('\n');
            for (ToolCall call : message.toolCalls()) {
                all.append(call.name()).append(' ').append(call.arguments()).append('\n');
            }
            if ("system".equalsIgnoreCase(message.role())) {
                system.append(content).append('\n');
            } else if ("user".equalsIgnoreCase(message.role())) {
                user.append(content).append('\n');
            }
        }
        String role = header(system, ROLE_HEADER);
        role = role != null ? normaliseRole(role) : roleFromModel(model);
        String kind = header(system, KIND_HEADER);
        if (kind != null) {
            kind = normaliseKind(kind);
        } else {
            kind = jsonRequested || "lead".equals(role) ? "plan" : "work";
        }
        String userText = user.toString();
        return new ChatPrompt(model, role, kind, jsonRequested, subject(userText), userText, writes(userText),
                quotedFiles(userText), Tokens.estimate(all.toString()));
    }

    /** The subject word of the task, e.g. {@code todo} for "Build a todo REST API". */
    public String slug() {
        return subject;
    }

    /**
     * The {@code Task:} line of the user message (the task's title, as the worker writes it), at most 200
     * characters; null when there is none. The call log keeps it, so a benchmark can tell the calls of its tasks apart.
     */
    public String task() {
        Matcher matcher = TASK_LINE.matcher(userText);
        if (!matcher.find()) {
            return null;
        }
        String line = matcher.group(1);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** The subject as a Java type name, e.g. {@code Todo}. */
    public String entity() {
        return Character.toUpperCase(subject.charAt(0)) + subject.substring(1);
    }

    private static String header(CharSequence text, String name) {
        for (String line : text.toString().split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.regionMatches(true, 0, name, 0, name.length())) {
                String value = trimmed.substring(name.length()).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private static String normaliseRole(String value) {
        try {
            return Role.fromId(value).id();
        } catch (IllegalArgumentException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }

    private static String normaliseKind(String value) {
        try {
            return SubtaskKind.fromId(value).id();
        } catch (IllegalArgumentException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }

    /** {@code sim-backend}, {@code sim-backend:latest} or {@code cohort/sim-backend} name the backend role. */
    static String roleFromModel(String model) {
        String name = model == null ? "" : model.toLowerCase(Locale.ROOT);
        name = name.substring(name.lastIndexOf('/') + 1);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        for (String part : name.split("[-_.]")) {
            for (Role role : Role.values()) {
                if (role.id().equals(part)) {
                    return role.id();
                }
            }
        }
        return "unknown";
    }

    static String subject(String userText) {
        userText = PlanShape.strip(userText);
        Matcher matcher = SUBJECT.matcher(userText);
        String line = matcher.find() ? matcher.group(1) : firstLine(userText);
        for (String word : line.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (word.length() >= 3 && !STOP_WORDS.contains(word)) {
                return word;
            }
        }
        return "app";
    }

    private static String firstLine(String text) {
        return Arrays.stream(text.split("\\R")).map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> l.replaceFirst("^#+\\s*", "")).findFirst().orElse("");
    }

    /** The artifact keys on the user message's {@code Reads:} line, in order. */
    public List<String> reads() {
        return keys(userText, READS);
    }

    static List<String> writes(String userText) {
        return keys(userText, WRITES);
    }

    private static List<String> keys(String userText, Pattern line) {
        List<String> paths = new ArrayList<>();
        Matcher matcher = line.matcher(userText);
        while (matcher.find()) {
            for (String path : matcher.group(1).split("[,\\s]+")) {
                String clean = path.replaceAll("^[`'\"\\[]+|[`'\"\\].;]+$", "");
                if (clean.contains(".") && !clean.isBlank() && !paths.contains(clean)) {
                    paths.add(clean);
                }
            }
        }
        return paths;
    }

    /** Files quoted in the prompt as fenced blocks with a path, in order; a path quoted twice keeps each version. */
    static Map<String, List<String>> quotedFiles(String userText) {
        Map<String, List<String>> files = new LinkedHashMap<>();
        Matcher matcher = FENCE.matcher(userText);
        while (matcher.find()) {
            files.computeIfAbsent(matcher.group(2), p -> new ArrayList<>()).add(matcher.group(3));
        }
        return files;
    }
}
