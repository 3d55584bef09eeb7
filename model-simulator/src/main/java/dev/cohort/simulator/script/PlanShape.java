package dev.cohort.simulator.script;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of the plan the simulated lead answers with, chosen by a phrase anywhere in the task's text:
 * {@code [plan: diamond]} (the default), {@code [plan: chain 5]} or {@code [plan: fan-out 8]}. Benchmarks and people
 * trying Cohort use it to get other graphs than the default diamond.
 *
 * @param kind  the shape
 * @param width for a chain its length, for a fan-out the number of parallel subtasks; 0 for the diamond
 */
public record PlanShape(Kind kind, int width) {

    /** The shapes the simulator can plan. */
    public enum Kind { DIAMOND, CHAIN, FAN_OUT }

    /** The largest chain or fan-out planned; a larger number is cut to it. */
    public static final int MAX_WIDTH = 500;
    /** The default shape: design, then backend and frontend, then review and test. */
    public static final PlanShape DIAMOND = new PlanShape(Kind.DIAMOND, 0);

    static final Pattern PHRASE = Pattern.compile(
            "\\[\\s*plan\\s*:\\s*(diamond|chain|fan[\\s-]?out)\\s*(\\d{1,6})?\\s*]", Pattern.CASE_INSENSITIVE);

    /** The shape a text asks for: its first {@code [plan: ...]} phrase, or the diamond when it has none. */
    public static PlanShape of(String text) {
        Matcher matcher = PHRASE.matcher(text == null ? "" : text);
        if (!matcher.find()) {
            return DIAMOND;
        }
        String name = matcher.group(1).toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
        if (name.equals("diamond")) {
            return DIAMOND;
        }
        int width = matcher.group(2) == null ? defaultWidth(name) : Integer.parseInt(matcher.group(2));
        width = Math.max(1, Math.min(MAX_WIDTH, width));
        return new PlanShape(name.equals("chain") ? Kind.CHAIN : Kind.FAN_OUT, width);
    }

    /** The text without its plan phrases, so that they do not become the task's subject. */
    static String strip(String text) {
        return PHRASE.matcher(text).replaceAll(" ");
    }

    private static int defaultWidth(String name) {
        return name.equals("chain") ? 5 : 8;
    }
}
