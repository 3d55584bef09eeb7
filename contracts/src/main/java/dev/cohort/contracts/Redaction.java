package dev.cohort.contracts;

import java.util.regex.Pattern;

/**
 * Removes what looks like a credential from text that came from elsewhere (a provider's error body, an exception
 * message) before it enters an event, a log line or an API answer: bearer tokens, API keys in the common
 * {@code sk-…} shapes, JWTs, and {@code key=value} pairs whose name says secret.
 */
public final class Redaction {

    public static final String MARK = "[redacted]";

    private static final Pattern[] PATTERNS = {
            Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}"),
            Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}"),
            Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"),
            Pattern.compile("(?i)\\b(api[_-]?key|apikey|token|secret|password|authorization)(\"?\\s*[:=]\\s*\"?)"
                    + "[^\\s\",;}&]{6,}"),
    };

    private Redaction() {
    }

    /** The text with every credential-like part replaced by {@link #MARK}; also every occurrence of {@code known}. */
    public static String redact(String text, String... known) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : known) {
            if (secret != null && secret.length() >= 6) {
                out = out.replace(secret, MARK);
            }
        }
        for (int i = 0; i < PATTERNS.length; i++) {
            out = i == PATTERNS.length - 1
                    ? PATTERNS[i].matcher(out).replaceAll("$1$2" + MARK)
                    : PATTERNS[i].matcher(out).replaceAll(MARK);
        }
        return out;
    }
}
