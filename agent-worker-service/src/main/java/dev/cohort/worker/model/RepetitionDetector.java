package dev.cohort.worker.model;

import java.util.BitSet;

/**
 * Notices a model stuck in a loop while it streams: the text ends with the same passage (at least
 * {@link #MIN_PASSAGE} characters, with a line break and some variety, so a ruler of dashes or a run of zeros does
 * not count) written {@link #REPEATS} times in a row. A looping small model goes on until its token limit; stopping
 * it early saves that time and those tokens.
 */
public final class RepetitionDetector {

    /** The shortest passage that counts: a paragraph, not a repeated word or line of code. */
    public static final int MIN_PASSAGE = 64;
    /** The longest passage looked for. */
    public static final int MAX_PASSAGE = 4000;
    /** How many times in a row the passage must appear. */
    public static final int REPEATS = 4;
    /** How much new text there must be before the next look, so each chunk does not cost a scan. */
    private static final int STEP = 32;
    private static final int MIN_DISTINCT_CHARACTERS = 12;

    private final int minPassage;
    private final int maxPassage;
    private final int repeats;
    private int checkedAt;

    public RepetitionDetector() {
        this(MIN_PASSAGE, MAX_PASSAGE, REPEATS);
    }

    RepetitionDetector(int minPassage, int maxPassage, int repeats) {
        this.minPassage = minPassage;
        this.maxPassage = maxPassage;
        this.repeats = repeats;
    }

    /** The length of the passage the text ends repeating, or 0 when it does not (yet) loop. */
    public int check(CharSequence text) {
        int length = text.length();
        if (length - checkedAt < STEP || length < minPassage * repeats) {
            return 0;
        }
        checkedAt = length;
        int longest = Math.min(maxPassage, length / repeats);
        for (int period = minPassage; period <= longest; period++) {
            if (periodic(text, period) && varied(text, length - period, length)) {
                return period;
            }
        }
        return 0;
    }

    /** Whether the last {@code repeats × period} characters repeat every {@code period} characters. */
    private boolean periodic(CharSequence text, int period) {
        int end = text.length();
        int from = end - period * repeats;
        for (int i = end - 1; i >= from + period; i--) {
            if (text.charAt(i) != text.charAt(i - period)) {
                return false;
            }
        }
        return true;
    }

    private static boolean varied(CharSequence text, int from, int to) {
        BitSet seen = new BitSet();
        boolean lineBreak = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            lineBreak |= c == '\n';
            seen.set(c);
        }
        return lineBreak && seen.cardinality() >= MIN_DISTINCT_CHARACTERS;
    }
}
