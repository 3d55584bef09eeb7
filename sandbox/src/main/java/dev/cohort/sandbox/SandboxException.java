package dev.cohort.sandbox;

/** The sandbox itself could not run a command (as opposed to the command failing); the message says why. */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
