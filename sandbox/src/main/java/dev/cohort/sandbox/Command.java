package dev.cohort.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split into words the way a shell splits them, without a shell: single quotes keep everything
 * literally, double quotes keep everything but backslash escapes of {@code " \ $ `}, and a backslash outside quotes
 * keeps the next character. Anything a shell would do beyond running one program (pipes, redirections, command lists,
 * background jobs, substitutions, variables) is refused, so that what runs is exactly the words shown.
 */
public final class Command {

    private static final String NOT_ALLOWED = "|&;<>()$`\n";

    private Command() {
    }

    /**
     * The words of {@code commandLine}.
     *
     * @throws IllegalArgumentException when the line is empty, has an unclosed quote or a trailing backslash, or uses
     *                                  a shell operator outside quotes; the message says which and what to do instead
     */
    public static List<String> parse(String commandLine) {
        if (commandLine == null || commandLine.isBlank()) {
            throw new IllegalArgumentException("the command is empty");
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int length = commandLine.length();
        while (i < length) {
            char c = commandLine.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = commandLine.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed single quote at position " + i);
                }
                word.append(commandLine, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = readDoubleQuoted(commandLine, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= length) {
                    throw new IllegalArgumentException("the command ends with a backslash that escapes nothing");
                }
                char next = commandLine.charAt(i + 1);
                if (next != '\n') {
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else if (NOT_ALLOWED.indexOf(c) >= 0) {
                throw new IllegalArgumentException(describe(commandLine, i) + " is not allowed: commands run without a"
                        + " shell, so pipes, redirections, command lists (; && ||), background jobs, subshells,"
                        + " substitutions and variables are not supported; put them in a script file in the"
                        + " workspace and run it with sh, or quote the character to pass it literally");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        return List.copyOf(words);
    }

    /**
     * The base name of the program the words run ({@code /usr/bin/node} and {@code node} both give {@code node}), for
     * checking it against an allow-list.
     */
    public static String program(List<String> words) {
        if (words == null || words.isEmpty() || words.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        String first = words.get(0);
        String base = first.substring(first.lastIndexOf('/') + 1);
        if (base.isEmpty()) {
            throw new IllegalArgumentException("'" + first + "' does not name a program");
        }
        return base;
    }

    private static int readDoubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "\"\\$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed double quote at position " + open);
    }

    private static String describe(String line, int at) {
        char c = line.charAt(at);
        if (c == '\n') {
            return "a line break (a second command)";
        }
        if (c == '$' && at + 1 < line.length() && line.charAt(at + 1) == '(') {
            return "'$('";
        }
        if ((c == '&' || c == '|') && at + 1 < line.length() && line.charAt(at + 1) == c) {
            return "'" + c + c + "'";
        }
        return "'" + c + "'";
    }
}
