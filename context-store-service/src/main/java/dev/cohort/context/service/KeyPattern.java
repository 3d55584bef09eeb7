package dev.cohort.context.service;

import dev.cohort.context.api.Limits;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Glob patterns over keys: {@code *} matches within a segment, {@code **} across segments, {@code ?} one character. */
public final class KeyPattern {

    private KeyPattern() {
    }

    /** A predicate over keys; everything matches when the glob is absent. */
    public static Predicate<String> of(String glob) {
        if (glob == null || glob.isEmpty()) {
            return key -> true;
        }
        if (glob.length() > Limits.KEY_PATTERN) {
            throw ContextStoreException.invalid("invalid-pattern", "key pattern is " + glob.length()
                    + " characters; at most " + Limits.KEY_PATTERN + " are allowed");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                    // "**/" also matches no directory at all, as in most glob dialects
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                        i++;
                        regex.append("(?:.*/)?");
                    } else {
                        regex.append(".*");
                    }
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern pattern = Pattern.compile(regex.toString());
        return key -> pattern.matcher(key).matches();
    }
}
