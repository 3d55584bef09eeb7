package dev.cohort.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's answer to a work subtask, read the way the prompts ask for it: each file in a fenced block whose info
 * string carries {@code path=...}; a {@code summary} block with JSON {@code {status, keyPoints, recommendation}};
 * optionally a {@code messages} block with JSON {@code [{to: {type, id}, kind, text}]}. An answer without a summary
 * block still yields one, from its first lines. {@code prose} is the answer as a person reads it: the text without
 * the machine-readable summary and messages blocks.
 */
public record Answer(List<File> files, StructuredSummary summary, List<Message> messages, String prose) {

    /** A file the answer writes. */
    public record File(String path, String language, String content, ArtifactKind kind, String mediaType) {
    }

    /** A message the agent sends. */
    public record Message(Participant to, MessageKind kind, String text) {
    }

    private static final Pattern FENCE = Pattern.compile("(?m)^```([^\\n`]*)\\n(.*?)\\n```[ \\t]*$", Pattern.DOTALL);
    private static final Pattern PATH = Pattern.compile("(?:^|\\s)(?:path|file)=\"?([^\\s\"]+)\"?");

    public static Answer parse(String text, Role role) {
        List<File> files = new ArrayList<>();
        StructuredSummary summary = null;
        List<Message> messages = new ArrayList<>();
        StringBuilder prose = new StringBuilder();
        int proseFrom = 0;
        String source = text == null ? "" : text;
        Matcher m = FENCE.matcher(source);
        while (m.find()) {
            String info = m.group(1).strip();
            String body = m.group(2);
            String first = info.isEmpty() ? "" : info.split("\\s+")[0].toLowerCase(Locale.ROOT);
            Matcher path = PATH.matcher(info);
            if (path.find()) {
                String p = path.group(1);
                String language = first.contains("=") ? "" : first;
                files.add(new File(p, language, body + "\n", kind(p, role), mediaType(p)));
            } else if (first.equals("summary") || first.equals("messages")) {
                if (first.equals("summary")) {
                    summary = summary(body);
                } else {
                    messages.addAll(messages(body));
                }
                prose.append(source, proseFrom, m.start());
                proseFrom = m.end();
            }
        }
        prose.append(source.substring(proseFrom));
        if (summary == null) {
            summary = fallbackSummary(text, files);
        }
        return new Answer(List.copyOf(files), summary, List.copyOf(messages), prose.toString().strip() + "\n");
    }

    static StructuredSummary summary(String json) {
        try {
            JsonNode node = EventCodec.mapper().readTree(json);
            List<String> points = new ArrayList<>();
            node.path("keyPoints").forEach(p -> points.add(p.asText()));
            String status = node.path("status").asText("done");
            String recommendation = node.hasNonNull("recommendation") ? node.get("recommendation").asText() : null;
            return new StructuredSummary(status.isBlank() ? "done" : status, points, recommendation);
        } catch (Exception e) {
            return new StructuredSummary("done", List.of(json.strip()), null);
        }
    }

    static List<Message> messages(String json) {
        List<Message> result = new ArrayList<>();
        try {
            for (JsonNode node : EventCodec.mapper().readTree(json)) {
                ParticipantType type = ParticipantType.fromId(node.path("to").path("type").asText("role"));
                String id = node.path("to").path("id").asText(type == ParticipantType.TEAM ? "all" : "");
                String text = node.path("text").asText("");
                if (type == ParticipantType.ROLE) {
                    id = Role.fromId(id).id();
                }
                if (!text.isBlank() && !id.isBlank()) {
                    result.add(new Message(new Participant(type, id),
                            MessageKind.fromId(node.path("kind").asText("note")), text.strip()));
                }
            }
        } catch (Exception e) {
            // A malformed messages block sends nothing; the files and summary still count.
        }
        return result;
    }

    private static StructuredSummary fallbackSummary(String text, List<File> files) {
        List<String> points = new ArrayList<>();
        for (File f : files) {
            points.add("wrote " + f.path());
        }
        if (points.isEmpty() && text != null) {
            text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("```")).limit(3)
                    .forEach(points::add);
        }
        return new StructuredSummary("done", points, null);
    }

    static ArtifactKind kind(String path, Role role) {
        String p = path.toLowerCase(Locale.ROOT);
        if (role == Role.REVIEWER || p.startsWith("review/")) {
            return ArtifactKind.REVIEW;
        }
        if (p.contains("openapi") || p.startsWith("api/") && (p.endsWith(".yaml") || p.endsWith(".yml") || p.endsWith(".json"))) {
            return ArtifactKind.API_CONTRACT;
        }
        if (role == Role.TESTER || p.contains("/test/") || p.matches(".*(test|spec)\\.[a-z]+$") || p.contains("test_")) {
            return ArtifactKind.TEST;
        }
        if (p.endsWith(".md") || p.endsWith(".txt") || p.endsWith(".adoc")) {
            return role == Role.ARCHITECT ? ArtifactKind.SPEC : ArtifactKind.NOTE;
        }
        return ArtifactKind.CODE;
    }

    static String mediaType(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        int dot = p.lastIndexOf('.');
        String ext = dot < 0 ? "" : p.substring(dot + 1);
        return switch (ext) {
            case "java" -> "text/x-java";
            case "js", "mjs" -> "text/javascript";
            case "ts" -> "text/x-typescript";
            case "html" -> "text/html";
            case "css" -> "text/css";
            case "json" -> "application/json";
            case "yaml", "yml" -> "application/yaml";
            case "md" -> "text/markdown";
            case "py" -> "text/x-python";
            case "sql" -> "application/sql";
            case "xml" -> "application/xml";
            default -> "text/plain";
        };
    }
}
