package dev.cohort.contracts;

/** A record that is not a valid Cohort event. The message says what is wrong in terms a sender can fix. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
