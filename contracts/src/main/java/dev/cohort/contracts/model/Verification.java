package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;

/**
 * The last check an agent ran on the team's work in the sandbox, as the worker saw it run (not as the model tells
 * it): the command, its exit code, whether it passed (exit 0 within the time limit) and the end of its output (at
 * most {@link #OUTPUT} characters).
 */
public record Verification(String command, int exitCode, boolean passed, boolean timedOut, String output) {

    /** The most output a verification carries: its end, where test runners print their failures and totals. */
    public static final int OUTPUT = 4000;

    public Verification {
        Required.field(command, "command");
        output = output == null ? "" : output.length() <= OUTPUT ? output
                : "…" + output.substring(output.length() - OUTPUT + 1);
    }
}
