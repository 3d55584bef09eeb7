package dev.cohort.simulator.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a simulated model formats its answers, set per model: {@code clean} follows the prompts exactly; the others
 * answer the way small local models often do. {@code sloppy} takes the styles that fit the subtask in turn, call
 * after call. A style that does not fit a subtask (a heading path for a plan, say) answers cleanly. The
 * {@code tool-*} styles apply to calls that offer tools and answer every other call cleanly; the other styles,
 * except {@code broken-first}, apply only to calls without tools.
 */
public enum AnswerStyle {
    /** Exactly the format the prompts ask for. */
    CLEAN,
    /** A rotating mix of the styles below, a different one on each call of the model. */
    SLOPPY,
    /** Prose before and after the answer; a plan is bare JSON between the sentences. */
    PROSE,
    /** JSON (a plan, or a summary block) with line and block comments and trailing commas. */
    LENIENT_JSON,
    /** Fences without {@code path=}; each file's path in a Markdown heading just before its fence. */
    HEADING_PATH,
    /** Fences without {@code path=}; each file's path as a first-line comment inside, e.g. {@code // path: x}. */
    COMMENT_PATH,
    /** The first two files in one fence, each starting with a path comment. */
    TWO_FILES,
    /** The answer stops two thirds of the way through, with done reason {@code length}. */
    CUT,
    /** The same paragraph, over and over, until the token limit (done reason {@code length}). */
    REPEAT,
    /** No summary block. */
    NO_SUMMARY,
    /** A summary block that is not JSON (unquoted keys, no closing brace). */
    BROKEN_SUMMARY,
    /** A plan that names an unknown role and depends on a subtask it does not have. */
    ODD_PLAN,
    /** The first Node store written is broken (remove() removes nothing) unless the prompt asks to fix failing tests. */
    BROKEN_FIRST,
    /** The first {@code write_artifact} call's arguments are not JSON (OpenAI) or lack {@code content} (Ollama). */
    TOOL_BAD_ARGS,
    /** The first turn calls {@code delete_workspace}, a tool that was not offered, then goes on normally. */
    TOOL_UNKNOWN,
    /** Calls {@code list_artifacts} on every turn and never {@code finish}. */
    TOOL_NO_FINISH,
    /** OpenAI: every tool call's arguments arrive one or two characters per chunk. */
    TOOL_SPLIT,
    /** Ignores the tools offered and answers in Markdown, files in fences and a summary block. */
    TOOL_PROSE;

    /** What {@code sloppy} takes in turn for a plan; no two unusable answers come one after the other. */
    static final List<AnswerStyle> SLOPPY_PLANS = List.of(PROSE, ODD_PLAN, LENIENT_JSON, CUT, PROSE, REPEAT);
    /** What {@code sloppy} takes in turn for a Markdown answer; no two unusable answers come one after the other. */
    static final List<AnswerStyle> SLOPPY_MARKDOWN = List.of(HEADING_PATH, CUT, COMMENT_PATH, TWO_FILES, REPEAT,
            NO_SUMMARY, LENIENT_JSON, BROKEN_SUMMARY, PROSE);

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static AnswerStyle fromId(String id) {
        for (AnswerStyle style : values()) {
            if (style.id().equalsIgnoreCase(String.valueOf(id).trim())) {
                return style;
            }
        }
        throw new IllegalArgumentException("unknown answer style '" + id + "'; expected one of: "
                + Arrays.stream(values()).map(AnswerStyle::id).collect(Collectors.joining(", ")));
    }

    /**
     * The style one call is answered in.
     *
     * @param kind the subtask kind ({@code plan}, {@code work}, ...)
     * @param turn how many calls the model had before this one, for {@code sloppy}
     */
    public AnswerStyle forCall(String kind, long turn) {
        boolean plan = "plan".equals(kind);
        if (this == SLOPPY) {
            List<AnswerStyle> rotation = plan ? SLOPPY_PLANS : SLOPPY_MARKDOWN;
            return rotation.get((int) Math.floorMod(turn, (long) rotation.size()));
        }
        boolean fits = switch (this) {
            case HEADING_PATH, COMMENT_PATH, TWO_FILES, NO_SUMMARY, BROKEN_SUMMARY, BROKEN_FIRST -> !plan;
            case ODD_PLAN -> plan;
            case TOOL_BAD_ARGS, TOOL_UNKNOWN, TOOL_NO_FINISH, TOOL_SPLIT, TOOL_PROSE -> false;
            default -> true;
        };
        return fits ? this : CLEAN;
    }

    /**
     * The style one call is answered in, when the call may offer tools. A call that offers tools (other than for a
     * plan) takes a {@code tool-*} style or {@code broken-first}, and answers any other style cleanly.
     *
     * @param tools whether the call offers tools
     */
    public AnswerStyle forCall(String kind, long turn, boolean tools) {
        if (!tools || "plan".equals(kind)) {
            return forCall(kind, turn);
        }
        return forTools() || this == BROKEN_FIRST ? this : CLEAN;
    }

    /** True for the styles of a tool loop ({@code tool-*}). */
    public boolean forTools() {
        return this == TOOL_BAD_ARGS || this == TOOL_UNKNOWN || this == TOOL_NO_FINISH || this == TOOL_SPLIT
                || this == TOOL_PROSE;
    }

    /** True for styles whose answer ends at the token limit rather than by itself. */
    public boolean endsAtLimit() {
        return this == CUT || this == REPEAT;
    }
}
