package dev.cohort.cli;

/** A failure to report in one line, with the process exit code. */
final class CliException extends RuntimeException {

    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
