package dev.cohort.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.worker.model.JsonAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's answer to a work subtask, read the way the prompts ask for it: each file in a fenced block whose info
 * string carries {@code path=...}; a {@code summary} block with JSON {@code {status, keyPoints, recommendation}};
 * optionally a {@code messages} block with JSON {@code [{to: {type, id}, kind, text}]}. {@code prose} is the answer as
 * a person reads it: the text without the machine-readable summary and messages blocks.
 *
 * <p>What small models get wrong and a careful reader still reads unambiguously is repaired, and said so in
 * {@code repairs}: a fence without {@code path=} whose first line is a path comment ({@code // path: x},
 * {@code # file: x}, {@code <!-- path: x -->}), or that follows a Markdown heading (or a line) naming exactly one
 * path; two or more files in one fence, each starting with such a comment; a summary block with comments or
 * trailing commas; a missing or unreadable summary block, replaced by one made from the files. Anything else is not
 * guessed: a fence with no path anywhere is left as prose ({@code unnamedBlocks} counts it), and a fence that is
 * never closed is no file ({@code unclosedBlock} says so).
 */
public record Answer(List<File> files, StructuredSummary summary, List<Message> messages, String prose,
                     List<String> repairs, int unnamedBlocks, boolean unclosedBlock) {

    /** A file the answer writes. */
    public record File(String path, String language, String content, ArtifactKind kind, String mediaType) {
    }

    /** A message the agent sends. */
    public record Message(Participant to, MessageKind kind, String text) {
    }

    private static final Pattern OPENING = Pattern.compile("^(`{3,})([^`]*)$");
    /** A closing fence: backticks only, indented by at most three spaces (as in CommonMark). */
    private static final Pattern CLOSING = Pattern.compile("^ {0,3}`{3,}$");
    private static final Pattern PATH = Pattern.compile("(?:^|\\s)(?:path|file)=\"?([^\\s\"]+)\"?");
    /** A whole line naming the file that follows, as a comment in the file's language. */
    private static final Pattern PATH_COMMENT = Pattern.compile(
            "^\\s*(?://|#|--|<!--|/\\*)\\s*(?:path|file|filename)\\s*:\\s*`?([^\\s`]+?)`?\\s*(?:-->|\\*/)?\\s*$",
            Pattern.CASE_INSENSITIVE);
    /** A heading or a line of its own before a fence: optional hashes, optional "File:", the rest. */
    private static final Pattern LEAD_IN = Pattern.compile("^\\s*(#{1,6}\\s+)?(.*?)\\s*:?\\s*$");
    private static final Pattern PATH_LIKE = Pattern.compile(
            "(?<![\\w./-])[A-Za-z0-9_.-]*[A-Za-z0-9_-](?:/[A-Za-z0-9_.-]+)*\\.[A-Za-z][A-Za-z0-9]{0,9}(?![\\w/-])");

    public static Answer parse(String text, Role role) {
        List<File> files = new ArrayList<>();
        List<String> repairs = new ArrayList<>();
        StructuredSummary summary = null;
        boolean summaryBlock = false;
        List<Message> messages = new ArrayList<>();
        StringBuilder prose = new StringBuilder();
        int unnamed = 0;
        int proseFrom = 0;
        int afterPrevious = 0;
        String source = text == null ? "" : text;
        Block block;
        int from = 0;
        while ((block = Block.next(source, from)) != null) {
            from = block.end;
            if (!block.closed) {
                return new Answer(List.copyOf(files), summaryOrFallback(summary, summaryBlock, files, source, repairs),
                        List.copyOf(messages), prose.append(source.substring(proseFrom)).toString().strip() + "\n",
                        List.copyOf(repairs), unnamed, true);
            }
            String info = block.info;
            String body = block.body;
            String first = info.isEmpty() ? "" : info.split("\\s+")[0].toLowerCase(Locale.ROOT);
            String language = first.contains("=") ? "" : first;
            Matcher path = PATH.matcher(info);
            if (path.find()) {
                String p = path.group(1);
                files.add(file(p, language, body, role));
            } else if (first.equals("summary") || first.equals("messages")) {
                if (first.equals("summary")) {
                    summaryBlock = true;
                    summary = summary(body, repairs);
                } else {
                    messages.addAll(messages(body));
                }
                prose.append(source, proseFrom, block.start);
                proseFrom = block.end;
            } else if (!splitByComments(body, language, role, files, repairs)) {
                String heading = pathBefore(source.substring(afterPrevious, block.start));
                if (heading != null) {
                    files.add(file(heading, language, body, role));
                    repairs.add("took the path " + heading + " from the line before its code block");
                } else {
                    unnamed++;
                }
            }
            afterPrevious = block.end;
        }
        prose.append(source.substring(proseFrom));
        return new Answer(List.copyOf(files), summaryOrFallback(summary, summaryBlock, files, text, repairs),
                List.copyOf(messages), prose.toString().strip() + "\n", List.copyOf(repairs), unnamed, false);
    }

    /** A fenced block: where it starts and ends in the text, its info string and its body. */
    private record Block(int start, int end, String info, String body, boolean closed) {

        /** The next block from {@code from}, or null; an unclosed block runs to the end of the text. */
        static Block next(String text, int from) {
            int lineStart = from;
            while (lineStart < text.length()) {
                int lineEnd = lineEnd(text, lineStart);
                Matcher opening = OPENING.matcher(text.substring(lineStart, lineEnd).stripTrailing());
                if (opening.matches()) {
                    int ticks = opening.group(1).length();
                    int bodyStart = Math.min(text.length(), lineEnd + 1);
                    for (int line = bodyStart; line < text.length(); ) {
                        int end = lineEnd(text, line);
                        String candidate = text.substring(line, end).stripTrailing();
                        if (CLOSING.matcher(candidate).matches() && candidate.strip().length() >= ticks) {
                            String body = line > bodyStart ? text.substring(bodyStart, line - 1) : "";
                            return new Block(lineStart, end, opening.group(2).strip(), body, true);
                        }
                        line = end + 1;
                    }
                    return new Block(lineStart, text.length(), opening.group(2).strip(),
                            text.substring(bodyStart), false);
                }
                lineStart = lineEnd + 1;
            }
            return null;
        }

        private static int lineEnd(String text, int from) {
            int end = text.indexOf('\n', from);
            return end < 0 ? text.length() : end;
        }
    }

    private static File file(String path, String language, String body, Role role) {
        return new File(path, language, body + "\n", kind(path, role), mediaType(path));
    }

    /**
     * Reads a fence whose first line names its file in a comment; later lines that are such comments start further
     * files. False when the first line is no such comment.
     */
    private static boolean splitByComments(String body, String language, Role role, List<File> files,
                                           List<String> repairs) {
        String[] lines = body.split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first == lines.length || !PATH_COMMENT.matcher(lines[first]).matches()) {
            return false;
        }
        List<String> paths = new ArrayList<>();
        String path = null;
        StringBuilder content = new StringBuilder();
        for (int i = first; i < lines.length; i++) {
            Matcher comment = PATH_COMMENT.matcher(lines[i]);
            if (comment.matches()) {
                if (path != null) {
                    files.add(file(path, language, stripTrailingBlankLines(content), role));
                }
                path = comment.group(1);
                paths.add(path);
                content.setLength(0);
            } else {
                content.append(lines[i]).append('\n');
            }
        }
        files.add(file(path, language, stripTrailingBlankLines(content), role));
        repairs.add(paths.size() == 1 ? "took the path " + path + " from the comment on the first line of its code block"
                : "split one code block into " + paths.size() + " files at their path comments: "
                + String.join(", ", paths));
        return true;
    }

    private static String stripTrailingBlankLines(StringBuilder content) {
        String text = content.toString();
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /**
     * The path named by the last non-blank line before a fence, when that line is a heading or stands alone and
     * names exactly one path (with a file extension); null otherwise.
     */
    static String pathBefore(String between) {
        String[] lines = between.split("\n");
        String last = null;
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i];
                break;
            }
        }
        if (last == null) {
            return null;
        }
        Matcher leadIn = LEAD_IN.matcher(last);
        if (!leadIn.matches()) {
            return null;
        }
        String rest = leadIn.group(2).replaceAll("[`*]", "")
                .replaceFirst("(?i)^(file|path|filename)\\s*:\\s*", "").strip();
        boolean heading = leadIn.group(1) != null;
        Matcher candidates = PATH_LIKE.matcher(rest);
        String found = null;
        while (candidates.find()) {
            if (found != null && !found.equals(candidates.group())) {
                return null;
            }
            found = candidates.group();
        }
        if (found == null || (!heading && !rest.equals(found)) || found.matches("[^/]?\\.[^/.]?")) {
            return null;
        }
        return found;
    }

    private static StructuredSummary summaryOrFallback(StructuredSummary summary, boolean block, List<File> files,
                                                       String text, List<String> repairs) {
        if (summary != null) {
            return summary;
        }
        String from = files.isEmpty() ? "its first lines" : "the files written";
        repairs.add(block ? "the summary block is not JSON; made the summary from " + from
                : "the answer has no summary block; made the summary from " + from);
        return fallbackSummary(text, files);
    }

    /** The summary in a summary block; comments and trailing commas are tolerated; null when it is not JSON. */
    static StructuredSummary summary(String json, List<String> repairs) {
        JsonAnswer.Read read = JsonAnswer.read(json);
        if (!read.ok() || !read.value().isObject()) {
            return null;
        }
        if (!read.repairs().isEmpty()) {
            repairs.add("summary block: " + String.join(", ", read.repairs()));
        }
        JsonNode node = read.value();
        List<String> points = new ArrayList<>();
        node.path("keyPoints").forEach(p -> points.add(p.asText()));
        String status = node.path("status").asText("done");
        String recommendation = node.hasNonNull("recommendation") ? node.get("recommendation").asText() : null;
        return new StructuredSummary(status.isBlank() ? "done" : status, points, recommendation);
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

    public static ArtifactKind kind(String path, Role role) {
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

    public static String mediaType(String path) {
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
