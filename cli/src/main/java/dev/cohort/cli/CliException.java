package dev.cohort.cli;

/** A failure to report in one line, with the process exit code. */
final class CliException extends RuntimeException {

    final int exitCode;
    /** For bad usage, the usage of the command that was misused, printed after the message; otherwise null. */
    final String usage;

    CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    CliException(int exitCode, String message, String usage) {
        super(message);
        this.exitCode = exitCode;
        this.usage = usage;
    }
}
