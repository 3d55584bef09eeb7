package dev.cohort.simulator.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's notion of a token: a word with the whitespace before it. Joining the tokens of a text gives the
 * text back, so a streamed answer reassembles exactly.
 */
public final class Tokens {

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private Tokens() {
    }

    public static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = WORD.matcher(text);
        int end = 0;
        while (matcher.find()) {
            tokens.add(matcher.group());
            end = matcher.end();
        }
        if (end < text.length()) {
            String rest = text.substring(end);
            if (tokens.isEmpty()) {
                tokens.add(rest);
            } else {
                tokens.set(tokens.size() - 1, tokens.get(tokens.size() - 1) + rest);
            }
        }
        return tokens;
    }

    /** A prompt's token count, estimated at four characters a token as tokenizers roughly do for English. */
    public static long estimate(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }
}
