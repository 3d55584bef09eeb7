package dev.cohort.worker.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON value in a model's answer, read as a careful person would: from a Markdown fence or from between
 * sentences, with comments and trailing commas removed. Nothing else is guessed: an answer with two different JSON
 * values, JSON that stops before it is complete, or text that is not JSON even so, is unreadable, with the reason.
 */
public final class JsonAnswer {

    private static final ObjectMapper STRICT = JsonMapper.builder().build();
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    private static final Pattern LINE_BRACKET = Pattern.compile("(?m)^[ \\t]*\\[");
    private static final Pattern FENCE = Pattern.compile("(?ms)^[ \\t]*```[ \\t]*(json|jsonc|javascript)?[ \\t]*\\n(.*?)^[ \\t]*```[ \\t]*$");

    private JsonAnswer() {
    }

    /**
     * What was read.
     *
     * @param json    the JSON value as strict JSON, or null when {@code problem} says why there is none
     * @param value   the parsed value, or null
     * @param repairs what had to be done to read it, e.g. "removed comments or trailing commas"; empty for clean JSON
     * @param problem why the answer holds no readable JSON value, or null
     */
    public record Read(String json, JsonNode value, List<String> repairs, String problem) {

        public boolean ok() {
            return problem == null;
        }

        static Read problem(String problem) {
            return new Read(null, null, List.of(), problem);
        }
    }

    public static Read read(String text) {
        String answer = text == null ? "" : text.strip();
        if (answer.isEmpty()) {
            return Read.problem("the answer is empty");
        }
        List<String> repairs = new ArrayList<>();
        String candidate;
        List<String> fenced = fencedBlocks(answer);
        if (!fenced.isEmpty()) {
            if (fenced.stream().map(JsonAnswer::lenientTree).distinct().count() > 1) {
                return Read.problem("the answer has " + fenced.size() + " different JSON blocks; it must have one");
            }
            candidate = fenced.get(0);
            if (!answer.startsWith("```") || !answer.endsWith("```")) {
                repairs.add("took the JSON from its code block, leaving out the text around it");
            }
        } else {
            List<int[]> values = new ArrayList<>();
            int[] invalid = null;
            int unclosed = -1;
            for (int from = 0, start; (start = nextOpening(answer, from)) >= 0; ) {
                int end = closing(answer, start);
                if (end < 0) {
                    unclosed = start;
                    break;
                }
                if (lenientTree(answer.substring(start, end + 1)) != null) {
                    values.add(new int[] {start, end});
                    from = end + 1;
                } else {
                    if (invalid == null || end - start > invalid[1] - invalid[0]) {
                        invalid = new int[] {start, end};
                    }
                    from = start + 1;
                }
            }
            if (values.isEmpty()) {
                if (unclosed >= 0) {
                    return Read.problem("the JSON stops before it is complete (an unclosed '" + answer.charAt(unclosed)
                            + "'); the answer looks cut off");
                }
                if (invalid == null) {
                    return Read.problem("the answer has no JSON object in it");
                }
                candidate = answer.substring(invalid[0], invalid[1] + 1);
            } else {
                if (values.stream().map(v -> lenientTree(answer.substring(v[0], v[1] + 1))).distinct().count() > 1) {
                    return Read.problem("the answer has " + values.size() + " different JSON values; it must have one");
                }
                int[] value = values.get(0);
                candidate = answer.substring(value[0], value[1] + 1);
                if (value[0] > 0 || value[1] < answer.length() - 1) {
                    repairs.add("took the JSON from between the sentences around it");
                }
            }
        }
        try {
            JsonNode value = STRICT.readTree(candidate);
            return new Read(candidate.strip(), value, List.copyOf(repairs), null);
        } catch (JsonProcessingException strict) {
            try {
                JsonNode value = LENIENT.readTree(candidate);
                repairs.add("removed comments or trailing commas");
                return new Read(STRICT.writeValueAsString(value), value, List.copyOf(repairs), null);
            } catch (JsonProcessingException e) {
                return Read.problem("the JSON is not valid: " + e.getOriginalMessage() + " (line "
                        + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
            }
        }
    }

    private static List<String> fencedBlocks(String answer) {
        List<String> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(answer);
        while (m.find()) {
            String body = m.group(2).strip();
            if (body.startsWith("{") || body.startsWith("[")) {
                blocks.add(body);
            }
        }
        return blocks;
    }

    private static JsonNode lenientTree(String json) {
        try {
            return LENIENT.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The next '{', or '[' that starts a line, from {@code from}: where a JSON value in prose may begin; -1 if none. */
    private static int nextOpening(String text, int from) {
        int brace = text.indexOf('{', from);
        Matcher bracket = LINE_BRACKET.matcher(text);
        int square = bracket.find(from) ? bracket.end() - 1 : -1;
        if (brace < 0) {
            return square;
        }
        return square < 0 ? brace : Math.min(brace, square);
    }

    /** The index of the bracket that closes the one at {@code start}, skipping strings and comments; -1 if none. */
    static int closing(String text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? text.length() : eol;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return -1;
                }
                i = end + 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }
}
