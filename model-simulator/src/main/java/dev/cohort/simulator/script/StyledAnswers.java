package dev.cohort.simulator.script;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.service.AnswerStyle;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a clean scripted answer in one of the {@link AnswerStyle}s small local models answer in. Each rewrite
 * keeps the content and changes only the form, so a reader that copes with the form gets the clean answer's files.
 */
final class StyledAnswers {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    /** A file fence of a clean answer: {@code ```lang path=p}, the content, {@code ```}. */
    private static final Pattern FILE = Pattern.compile("(?ms)^```(\\S*) path=(\\S+)\\n(.*?)^```\\n");
    private static final Pattern SUMMARY = Pattern.compile("(?ms)^```summary\\n(.*?)\\n```\\n");
    /** A line that closes an object or array, after a line that ends a value: where a trailing comma can go. */
    private static final Pattern LAST_VALUE = Pattern.compile("(?m)([^\\s{\\[,])\\n(\\s*[}\\]])");
    /** How long a looping answer goes on when the request sets no token limit. */
    static final int LOOP_TOKENS_WITHOUT_LIMIT = 2000;

    private StyledAnswers() {
    }

    /**
     * The answer in {@code style}. {@code clean} is the answer the prompt would get without a style; {@code limit}
     * is the request's token limit (null for none), which a looping answer runs into.
     */
    static String apply(AnswerStyle style, String clean, ChatPrompt prompt, Integer limit) {
        boolean plan = prompt.kind().equals("plan");
        return switch (style) {
            case PROSE -> plan ? planInProse(clean, prompt) : "Sure! Here is my answer for the " + prompt.slug()
                    + " task.\n\n" + clean + "\nLet me know if you want me to change anything.\n";
            case LENIENT_JSON -> plan ? "```json\n" + lenient(pretty(clean)) + "\n```\n" : lenientSummary(clean);
            case HEADING_PATH -> pathsInHeadings(clean);
            case COMMENT_PATH -> pathsInComments(clean, false);
            case TWO_FILES -> pathsInComments(clean, true);
            case NO_SUMMARY -> SUMMARY.matcher(clean).replaceAll("");
            case BROKEN_SUMMARY -> brokenSummary(clean);
            case ODD_PLAN -> oddPlan(clean);
            case REPEAT -> loop(prompt, limit);
            case CUT -> cut(clean);
            default -> clean;
        };
    }

    private static String planInProse(String plan, ChatPrompt prompt) {
        return "Sure! Here is a plan for the " + prompt.slug() + " task. The design comes first, then the work "
                + "that can run in parallel.\n\n" + pretty(plan) + "\n\nEach subtask writes only its own files, so "
                + "the backend and the frontend do not get in each other's way. Good luck!\n";
    }

    private static String pretty(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (Exception e) {
            return json;
        }
    }

    /** Comments before the first key and after the first line, and a trailing comma wherever one can go. */
    static String lenient(String prettyJson) {
        String withCommas = LAST_VALUE.matcher(prettyJson).replaceAll("$1,\n$2");
        int firstBreak = withCommas.indexOf('\n');
        if (firstBreak < 0) {
            return "// " + AnswerStyle.LENIENT_JSON.id() + "\n" + withCommas;
        }
        return withCommas.substring(0, firstBreak + 1) + "  // written by a small model\n"
                + "  /* every id is unique */\n" + withCommas.substring(firstBreak + 1);
    }

    private static String lenientSummary(String answer) {
        Matcher m = SUMMARY.matcher(answer);
        if (!m.find()) {
            return answer;
        }
        String summary = "```summary\n" + lenient(pretty(m.group(1))) + "\n```\n";
        return answer.substring(0, m.start()) + summary + answer.substring(m.end());
    }

    private static String brokenSummary(String answer) {
        Matcher m = SUMMARY.matcher(answer);
        if (!m.find()) {
            return answer;
        }
        String broken = m.group(1).replaceAll("\"(status|keyPoints|recommendation)\"", "$1");
        broken = broken.substring(0, broken.lastIndexOf('}'));
        return answer.substring(0, m.start()) + "```summary\n" + broken + "\n```\n" + answer.substring(m.end());
    }

    private static String pathsInHeadings(String answer) {
        Matcher m = FILE.matcher(answer);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("### `" + m.group(2) + "`\n\n```" + m.group(1) + "\n"
                    + m.group(3) + "```\n"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Each fence's path as its first line, in the file's comment syntax; with {@code join}, the first two in one. */
    private static String pathsInComments(String answer, boolean join) {
        Matcher m = FILE.matcher(answer);
        StringBuilder out = new StringBuilder();
        String held = null;
        int files = 0;
        while (m.find()) {
            String body = pathComment(m.group(2)) + "\n" + m.group(3);
            if (join && files++ == 0) {
                held = "```" + m.group(1) + "\n" + body;
                m.appendReplacement(out, "");
                continue;
            }
            String fence = held != null ? held + body + "```\n" : "```" + m.group(1) + "\n" + body + "```\n";
            held = null;
            m.appendReplacement(out, Matcher.quoteReplacement(fence));
        }
        if (held != null) {
            out.append(held).append("```\n");
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The first-line comment naming a file, as models write it in that file's language. */
    static String pathComment(String path) {
        return switch (FileContents.language(path)) {
            case "java", "javascript", "typescript" -> "// path: " + path;
            case "css" -> "/* path: " + path + " */";
            case "html", "markdown" -> "<!-- path: " + path + " -->";
            case "sql" -> "-- file: " + path;
            default -> "# file: " + path;
        };
    }

    /** The clean plan with the first work subtask for an unknown role and another depending on an unknown id. */
    private static String oddPlan(String plan) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(plan);
            ArrayNode subtasks = (ArrayNode) root.path("subtasks");
            if (subtasks.size() > 1) {
                ((ObjectNode) subtasks.get(1)).put("role", "devops");
            }
            ((ArrayNode) subtasks.get(subtasks.size() - 1).path("dependsOn")).add("research");
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (Exception e) {
            return plan;
        }
    }

    /** One opening sentence, then the same paragraph until the limit. */
    private static String loop(ChatPrompt prompt, Integer limit) {
        int tokens = limit != null ? limit : LOOP_TOKENS_WITHOUT_LIMIT;
        String paragraph = "To build the " + prompt.slug() + " service we first need to understand what the "
                + prompt.slug() + " service has to do, and to understand that we need to look at the task again, "
                + "so let me restate the task before I start.\n\n";
        StringBuilder out = new StringBuilder("Let me think about the " + prompt.slug() + " task step by step.\n\n");
        int perParagraph = Tokens.split(paragraph).size();
        for (int written = Tokens.split(out.toString()).size(); written < tokens + perParagraph; written += perParagraph) {
            out.append(paragraph);
        }
        return out.toString();
    }

    /** The first two thirds of the answer, as if the token limit had been reached there. */
    private static String cut(String answer) {
        List<String> tokens = Tokens.split(answer);
        return String.join("", tokens.subList(0, Math.max(1, tokens.size() * 2 / 3)));
    }
}
