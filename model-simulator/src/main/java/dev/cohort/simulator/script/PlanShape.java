package dev.cohort.simulator.script;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of the plan the simulated lead answers with, chosen by a phrase anywhere in the task's text:
 * {@code [plan: diamond]} (the default), {@code [plan: chain 5]} or {@code [plan: fan-out 8]}. Benchmarks and people
 * trying Cohort use it to get other graphs than the default diamond. A task without such a phrase that says
 * {@code run its tests} or {@code verified} gets the verified plan: a design, a Node store, and its tests run.
 *
 * @param kind  the shape
 * @param width for a chain its length, for a fan-out the number of parallel subtasks; 0 for the diamond and the
 *              verified plan
 */
public record PlanShape(Kind kind, int width) {

    /** The shapes the simulator can plan. */
    public enum Kind { DIAMOND, CHAIN, FAN_OUT, VERIFIED }

    /** The largest chain or fan-out planned; a larger number is cut to it. */
    public static final int MAX_WIDTH = 500;
    /** The default shape: design, then backend and frontend, then review and test. */
    public static final PlanShape DIAMOND = new PlanShape(Kind.DIAMOND, 0);
    /** Design, then a Node store, then its tests, written and run. */
    public static final PlanShape VERIFIED = new PlanShape(Kind.VERIFIED, 0);

    static final Pattern PHRASE = Pattern.compile(
            "\\[\\s*plan\\s*:\\s*(diamond|chain|fan[\\s-]?out)\\s*(\\d{1,6})?\\s*]", Pattern.CASE_INSENSITIVE);

    /**
     * The shape a text asks for: its first {@code [plan: ...]} phrase; without one, the verified plan when it says
     * {@code run its tests} or {@code verified}, else the diamond.
     */
    public static PlanShape of(String text) {
        Matcher matcher = PHRASE.matcher(text == null ? "" : text);
        if (!matcher.find()) {
            return verified(text) ? VERIFIED : DIAMOND;
        }
        String name = matcher.group(1).toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
        if (name.equals("diamond")) {
            return DIAMOND;
        }
        int width = matcher.group(2) == null ? defaultWidth(name) : Integer.parseInt(matcher.group(2));
        width = Math.max(1, Math.min(MAX_WIDTH, width));
        return new PlanShape(name.equals("chain") ? Kind.CHAIN : Kind.FAN_OUT, width);
    }

    private static boolean verified(String text) {
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return lower.contains("run its tests") || lower.contains("verified");
    }

    /** The text without its plan phrases, so that they do not become the task's subject. */
    static String strip(String text) {
        return PHRASE.matcher(text).replaceAll(" ");
    }

    private static int defaultWidth(String name) {
        return name.equals("chain") ? 5 : 8;
    }
}
