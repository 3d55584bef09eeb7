package dev.cohort.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a sandboxed command ended.
 *
 * @param exitCode  the command's exit code; 128 plus the signal number when it was killed
 * @param stdout    what it wrote to stdout, at most the output limit
 * @param stderr    what it wrote to stderr, at most the output limit
 * @param timedOut  whether it was killed for running past its time limit
 * @param outputCut whether it was killed for writing more than the output limit to one stream
 * @param took      wall-clock time from start to end
 */
public record Result(int exitCode, String stdout, String stderr, boolean timedOut, boolean outputCut,
                     Duration took) {

    public Result {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
        took = took == null ? Duration.ZERO : took;
    }

    /** Exit code 0 within the time limit. */
    public boolean passed() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * The result as a tool answer for a model: an {@code exit <code>} line that also says when the command timed out
     * or its output was cut, then the two streams under {@code --- stdout ---} and {@code --- stderr ---}.
     */
    public String toToolText() {
        StringBuilder text = new StringBuilder("exit ").append(exitCode);
        if (timedOut) {
            text.append(" (timed out after ").append(seconds(took)).append(')');
        }
        if (outputCut) {
            int kept = Math.max(stdout.getBytes(StandardCharsets.UTF_8).length,
                    stderr.getBytes(StandardCharsets.UTF_8).length);
            text.append(" (output cut at ").append(kept).append(" bytes)");
        }
        text.append("\n--- stdout ---\n").append(stdout);
        if (!stdout.isEmpty() && !stdout.endsWith("\n")) {
            text.append('\n');
        }
        text.append("--- stderr ---\n").append(stderr);
        if (!stderr.isEmpty() && !stderr.endsWith("\n")) {
            text.append('\n');
        }
        return text.toString();
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() >= 1 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
